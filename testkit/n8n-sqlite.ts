/** Reading the SQLite database n8n keeps in a user folder (`<userFolder>/.n8n/database.sqlite`). */
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

/**
 * Rows of a query, read-only. n8n 2.x keeps the database in WAL mode, where a reader does not
 * hold up n8n's writes; n8n 1.x does not, so read there while n8n is not writing.
 */
export function querySqlite<Row>(userFolder: string, sql: string): Row[] {
	const db = new DatabaseSync(join(userFolder, '.n8n', 'database.sqlite'), { readOnly: true });
	try {
		return db.prepare(sql).all() as Row[];
	} finally {
		db.close();
	}
}
