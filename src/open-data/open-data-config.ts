/** Settings of the open-data releases and their DCAT-AP catalogue (docs/operators.md: OPEN_DATA_*). */

/** What operators configure; every field has a default. */
export interface OpenDataConfig {
  /** Default threshold k: no published count from 1 to k − 1; officers may only raise it. Default 10. */
  k: number;
  /** Default ε of the noise per release; none: no noise. */
  epsilon?: number | undefined;
  /** The licence of the datasets (an IRI). Default CC BY 4.0. */
  licence: string;
  /** The publisher's name, e.g. "Ajuntament de Barcelona". */
  publisherName: string;
  /** The publisher's IRI (its web site). */
  publisherUri: string;
  /** Where to write about the data (dcat:contactPoint), an e-mail address. */
  contactEmail?: string | undefined;
}

/** CC BY 4.0 (creativecommons.org/licenses/by/4.0/), the default licence. */
export const CC_BY_4 = 'https://creativecommons.org/licenses/by/4.0/';

/** The smallest k an officer may choose when none is configured. */
export const DEFAULT_K = 10;

/** The open-data settings of `config`, with defaults filled in. */
export function openDataSettings(config: { publicUrl: string; rpName: string; openData?: Partial<OpenDataConfig> | undefined }): OpenDataConfig {
  const o = config.openData ?? {};
  return {
    k: o.k ?? DEFAULT_K,
    epsilon: o.epsilon,
    licence: o.licence ?? CC_BY_4,
    publisherName: o.publisherName ?? config.rpName,
    publisherUri: o.publisherUri ?? config.publicUrl,
    contactEmail: o.contactEmail,
  };
}
