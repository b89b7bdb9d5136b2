/**
 * A self-signed certificate for 127.0.0.1 and localhost, made at run time for the HTTPS
 * benchmark: with openssl when the machine has it (an ECDSA P-256 key, what most HTTPS servers
 * present today), else in JavaScript with node-forge (a devDependency; an RSA 2048 key).
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import forge from 'node-forge';

export interface Certificate {
	key: string;
	cert: string;
	/** The certificate's PEM file, for NODE_EXTRA_CA_CERTS of the processes that must trust it. */
	certFile: string;
	madeWith: string;
}

const SUBJECT_ALT_NAMES = 'IP:127.0.0.1,DNS:localhost';

function withOpenssl(keyFile: string, certFile: string): boolean {
	const made = spawnSync(
		'openssl',
		[
			'req',
			'-x509',
			'-newkey',
			'ec',
			'-pkeyopt',
			'ec_paramgen_curve:prime256v1',
			'-nodes',
			'-keyout',
			keyFile,
			'-out',
			certFile,
			'-days',
			'2',
			'-subj',
			'/CN=127.0.0.1',
			'-addext',
			`subjectAltName=${SUBJECT_ALT_NAMES}`,
		],
		{ stdio: 'pipe' },
	);
	return made.status === 0;
}

function withForge(keyFile: string, certFile: string): void {
	const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
	const privateKey = forge.pki.privateKeyFromPem(
		pair.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
	);
	const certificate = forge.pki.createCertificate();
	certificate.publicKey = forge.pki.publicKeyFromPem(
		pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
	);
	certificate.serialNumber = '01';
	certificate.validity.notBefore = new Date(Date.now() - 60_000);
	certificate.validity.notAfter = new Date(Date.now() + 2 * 24 * 3600_000);
	const name = [{ name: 'commonName', value: '127.0.0.1' }];
	certificate.setSubject(name);
	certificate.setIssuer(name);
	certificate.setExtensions([
		{ name: 'basicConstraints', cA: true },
		{
			name: 'subjectAltName',
			altNames: [
				{ type: 7, ip: '127.0.0.1' },
				{ type: 2, value: 'localhost' },
			],
		},
	]);
	certificate.sign(privateKey, forge.md.sha256.create());
	writeFileSync(keyFile, forge.pki.privateKeyToPem(privateKey));
	writeFileSync(certFile, forge.pki.certificateToPem(certificate));
}

/** Writes key.pem and cert.pem into `dir`. `generator`: force one (to check the fallback). */
export function makeCertificate(dir: string, generator?: 'openssl' | 'node-forge'): Certificate {
	const keyFile = join(dir, 'key.pem');
	const certFile = join(dir, 'cert.pem');
	let madeWith = 'openssl (ECDSA P-256)';
	if (generator === 'node-forge' || !withOpenssl(keyFile, certFile)) {
		withForge(keyFile, certFile);
		madeWith = 'node-forge (RSA 2048)';
	}
	return {
		key: readFileSync(keyFile, 'utf8'),
		cert: readFileSync(certFile, 'utf8'),
		certFile,
		madeWith,
	};
}
