/** Throwaway PostgreSQL and Redis servers on loopback ports, from Debian's packages. */
export { Postgres, type PostgresConnection } from './postgres';
export { Redis } from './redis';
