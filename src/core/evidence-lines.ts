/** How many of its newest log lines a ban or a pending window keeps as evidence. */
export const EVIDENCE_LINES = 5;
