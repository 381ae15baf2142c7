/// <reference lib="dom" />
/** The index page: which engine the pages will compute on. */
import { bestFloat } from "../../mod.ts";
import { adapterLine, show } from "./page.ts";

using f = await bestFloat();
show("engine", `The pages compute on ${f.name}. ${await adapterLine()}.`);
(globalThis as unknown as { knapReady: boolean }).knapReady = true;
