/** How the node quotes what users and 1Flow wrote in its texts: short, escaped, never the secret. */
const MAX_QUOTED_LENGTH = 300;
const MAX_NAME_LENGTH = 100;

/** A document ID, file name or URL as shown in messages: quoted, escaped, and short. */
export function quote(name: string): string {
	const shown = name.length > MAX_NAME_LENGTH ? `${name.slice(0, MAX_NAME_LENGTH)}…` : name;
	return JSON.stringify(shown);
}

/** 1Flow's text, shortened, with the secret cut out should a server ever echo it. */
export function quoteApiText(text: string, secret: string): string {
	let quoted = secret === '' ? text : text.split(secret).join('[redacted]');
	quoted = quoted.replace(/\s+/g, ' ').trim();
	return quoted.length > MAX_QUOTED_LENGTH ? `${quoted.slice(0, MAX_QUOTED_LENGTH)}…` : quoted;
}
