/** Event-loop turns without Node built-ins (setTimeout 0 exists in every host). */
export async function macrotaskTurns(turns: number): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setTimeout(resolve, 0));
}
