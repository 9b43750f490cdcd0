import { registerDecorator, type ValidationArguments } from 'class-validator';

/**
 * The value is a string that `parse` accepts, so a malformed setting stops the server at start-up with
 * the parser's own message (or `expected` where it gave none).
 */
export function ParsesWith(
  name: string,
  parse: (value: string) => unknown,
  expected: string,
): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    let lastError = '';
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate(value: unknown): boolean {
          if (typeof value !== 'string') return false;
          try {
            parse(value);
            return true;
          } catch (error) {
            lastError = error instanceof Error ? error.message : String(error);
            return false;
          }
        },
        defaultMessage(args: ValidationArguments): string {
          return `${args.property}: ${lastError || expected}`;
        },
      },
    });
  };
}
