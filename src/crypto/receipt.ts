import type { ConsentEvent, ConsentStatus, ConsentTerms } from '../domain/consent.js';

/** The JOSE `typ` of a consent receipt (RFC 7515 §4.1.9; media type without `application/`). */
export const RECEIPT_TYP = 'consent-receipt+jwt';

/** Kantara Consent Receipt Specification version the core claims follow. */
export const KANTARA_VERSION = 'KI-CR-v1.1.0';

/** What a catalogue term contributes to a receipt. */
export interface ReceiptTerm {
  code: string;
  dpv: string | null;
  sensitive: boolean;
}

/** The passkey proof that the citizen's own authenticator signed these terms. */
export interface CitizenSignature {
  nonce: string;
  credentialId: string;
  publicKeyJwk: Record<string, unknown>;
  authenticatorData: string;
  clientDataJSON: string;
  signature: string;
}

/** Everything a receipt says about one revision of one consent. */
export interface ReceiptInput {
  issuer: string;
  receiptId: string;
  issuedAt: Date;
  consentId: string;
  revision: number;
  event: ConsentEvent;
  status: ConsentStatus;
  terms: ConsentTerms;
  termsHash: string;
  predecessorHash: string | null;
  /** When the consent was first given (revision 1). */
  consentTimestamp: Date;
  serviceClientId: string;
  serviceName: string;
  purposes: ReceiptTerm[];
  categories: ReceiptTerm[];
  citizenSignature?: CitizenSignature | undefined;
}

const seconds = (d: Date): number => Math.floor(d.getTime() / 1000);

/**
 * The JWT claims of a receipt: RFC 7519 registered claims, the Kantara Consent Receipt v1.1
 * core fields, and Permís's own.
 */
export function receiptClaims(r: ReceiptInput): Record<string, unknown> {
  const t = r.terms;
  const spi = r.categories.filter((c) => c.sensitive).map((c) => c.code);
  const claims: Record<string, unknown> = {
    // RFC 7519 §4.1
    iss: r.issuer,
    iat: seconds(r.issuedAt),
    jti: r.receiptId,
    // Kantara Consent Receipt v1.1 core fields
    version: KANTARA_VERSION,
    jurisdiction: t.jurisdiction,
    consentTimestamp: seconds(r.consentTimestamp),
    collectionMethod: t.collectionMethod,
    consentReceiptID: r.receiptId,
    language: t.notice.language,
    piiPrincipalId: t.subjectRef,
    piiControllers: [
      { piiController: t.controller.name, contact: t.controller.dpoContact, piiControllerUrl: t.controller.policyUrl },
    ],
    policyUrl: t.controller.policyUrl,
    services: [
      {
        service: r.serviceName,
        serviceId: r.serviceClientId,
        purposes: r.purposes.map((p) => ({
          purpose: p.code,
          purposeCategory: p.dpv ? [p.dpv] : [],
          consentType: 'EXPLICIT',
          piiCategory: t.dataCategories,
          termination: t.validUntil,
          thirdPartyDisclosure: false,
        })),
      },
    ],
    sensitive: spi.length > 0,
    spiCat: spi,
    // Permís
    event: r.event,
    consentId: r.consentId,
    revision: r.revision,
    status: r.status,
    validUntil: t.validUntil,
    terms: t,
    termsHash: r.termsHash,
    predecessorHash: r.predecessorHash,
  };
  if (r.citizenSignature) claims.citizenSignature = r.citizenSignature;
  return claims;
}
