-- Runs once, when the PostgreSQL container starts on an empty data volume (docker-compose.yml).
-- The integration tests use billing_test, like the local stack (deploy/local/stack.sh) provides.
CREATE DATABASE billing_test OWNER billing;
