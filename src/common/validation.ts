import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';

/** Collects every field's messages, nested fields under dotted names. */
export function fieldMessages(errors: ValidationError[], prefix = ''): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const error of errors) {
    const name = prefix + error.property;
    const messages = Object.values(error.constraints ?? {});
    if (messages.length > 0) out[name] = messages;
    Object.assign(out, fieldMessages(error.children ?? [], `${name}.`));
  }
  return out;
}

/** Request DTO validation for the whole app: unknown fields dropped, strings converted, 400 per field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    // One message per field: a value that is not a number needs no range messages as well.
    stopAtFirstError: true,
    exceptionFactory: (errors) => {
      const fields = fieldMessages(errors);
      return new BadRequestException({
        detail: `invalid form fields: ${Object.keys(fields).join(', ')}`,
        errors: fields,
      });
    },
  });
}
