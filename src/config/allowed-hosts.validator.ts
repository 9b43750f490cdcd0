import { registerDecorator, type ValidationArguments } from 'class-validator';
import { parseAllowedHosts } from '../../libs/webhooks';

/** The value parses as a webhook allow-list, so a malformed entry stops the server at start-up. */
export function AllowedHostsSpec(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    let lastError = '';
    registerDecorator({
      name: 'allowedHostsSpec',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate(value: unknown): boolean {
          if (typeof value !== 'string') return false;
          try {
            parseAllowedHosts(value);
            return true;
          } catch (error) {
            lastError = error instanceof Error ? error.message : String(error);
            return false;
          }
        },
        defaultMessage(args: ValidationArguments): string {
          return `${args.property}: ${lastError || 'not a list of host names'}`;
        },
      },
    });
  };
}
