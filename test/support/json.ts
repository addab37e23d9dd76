/** A parsed JSON body as tests read it: any member may be read without a cast. */
export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
