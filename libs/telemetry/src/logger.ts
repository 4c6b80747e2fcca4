import type { LoggerService } from '@nestjs/common';

type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Structured JSON logs, one object per line on stdout/stderr; also serves as NestJS's logger. */
export class JsonLogger implements LoggerService {
  private readonly minimum: number;

  constructor(private readonly service: string, level: string = process.env.LOG_LEVEL ?? 'info') {
    this.minimum = order[(level as Level)] ?? order.info;
  }

  debug(message: unknown, fields?: unknown): void { this.write('debug', message, fields); }
  info(message: unknown, fields?: unknown): void { this.write('info', message, fields); }
  log(message: unknown, fields?: unknown): void { this.write('info', message, fields); }
  warn(message: unknown, fields?: unknown): void { this.write('warn', message, fields); }
  error(message: unknown, fields?: unknown): void { this.write('error', message, fields); }
  verbose(message: unknown, fields?: unknown): void { this.write('debug', message, fields); }

  private write(level: Level, message: unknown, fields: unknown): void {
    if (order[level] < this.minimum) return;
    const extra = fields && typeof fields === 'object' ? fields : fields === undefined ? {} : { context: fields };
    const line = JSON.stringify({ time: new Date().toISOString(), level, service: this.service, message: String(message), ...extra });
    (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(line + '\n');
  }
}
