/**
 * `KNAP_TEST_ENGINES=host` runs the engine suites on the host factories alone: CI's repeat runs
 * of the native engine on another oneDNN, or on OpenBLAS alone, need no device again. Both
 * factory lists (`_factories.ts`, `nn/_factories.ts`) read it here.
 */
export const hostOnly: boolean = Deno.env.get("KNAP_TEST_ENGINES") === "host";

/** The availability a device engine reports when a host-only run leaves it out. */
export const leftOut = { available: false, reason: "KNAP_TEST_ENGINES=host" } as const;
