import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TopicDeclaration {
  name: string;
  owner: string;
  key: string;
  partitions: number;
  cleanupPolicy: 'delete' | 'compact';
  retentionMs: number;
  description: string;
  producedBy?: 'external';
  testOnly?: boolean;
}

/** The one declaration of every topic: schemas/topics.json. */
export function loadTopicDeclarations(path = join(__dirname, '../../../schemas/topics.json')): TopicDeclaration[] {
  const document = JSON.parse(readFileSync(path, 'utf8')) as { topics: TopicDeclaration[] };
  return document.topics;
}

export function topicDeclaration(name: string): TopicDeclaration {
  const found = loadTopicDeclarations().find((t) => t.name === name);
  if (!found) throw new Error(`topic ${name} is not declared in schemas/topics.json`);
  return found;
}
