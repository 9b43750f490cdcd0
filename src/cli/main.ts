#!/usr/bin/env node
import { Command } from 'commander';
import { registerCommands } from './commands';

/** One command line tool with subcommands: `npm run -s cli -- <command> --help`. */
async function main(argv: string[]): Promise<void> {
  const program = new Command('speech-server')
    .description('Transcribe and diarize local files, score diarization, mint tokens, manage models')
    .showHelpAfterError();
  registerCommands(program);
  await program.parseAsync(argv);
}

main(process.argv).catch((error: unknown) => {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
