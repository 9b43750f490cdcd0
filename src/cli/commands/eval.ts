import type { Command } from 'commander';
import { registerEvalDerCommand } from './eval-der';
import { registerEvalParityCommand } from './eval-parity';

export { readTurns } from './eval-der';

/** `eval ...`: measure results against references. */
export function registerEvalCommand(program: Command): void {
  const evaluate = program.command('eval').description('Measure results against references');
  registerEvalDerCommand(evaluate);
  registerEvalParityCommand(evaluate);
}
