import type { Command } from 'commander';
import { registerDiarizeCommand } from './diarize';
import { registerEvalCommand } from './eval';
import { registerModelsCommand } from './models';
import { registerTokenCommand } from './token';
import { registerTranscribeCommand } from './transcribe';

/** Each subcommand lives in its own file and adds itself to the program here. */
export function registerCommands(program: Command): void {
  registerTokenCommand(program);
  registerModelsCommand(program);
  registerDiarizeCommand(program);
  registerEvalCommand(program);
  registerTranscribeCommand(program);
}
