import { parseAllowedHosts } from '../../libs/webhooks';
import { ParsesWith } from './parses-with.validator';

/** The value parses as a webhook allow-list, so a malformed entry stops the server at start-up. */
export function AllowedHostsSpec(): PropertyDecorator {
  return ParsesWith('allowedHostsSpec', parseAllowedHosts, 'not a list of host names');
}
