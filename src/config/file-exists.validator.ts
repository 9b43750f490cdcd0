import { statSync } from 'node:fs';
import { registerDecorator, type ValidationArguments } from 'class-validator';

/** The value names an existing regular file (a model path), so a typo is caught at start-up. */
export function FileExists(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'fileExists',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate(value: unknown): boolean {
          if (typeof value !== 'string') return false;
          try {
            return statSync(value).isFile();
          } catch {
            return false;
          }
        },
        defaultMessage(args: ValidationArguments): string {
          return `${args.property} must name an existing file (got ${JSON.stringify(args.value)})`;
        },
      },
    });
  };
}
