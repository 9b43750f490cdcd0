import { Injectable } from '@nestjs/common';

/** Set by the worker once its models are loaded (the app bootstrapped); read by /health/ready. */
@Injectable()
export class ReadinessState {
  /** null: this process runs no worker, so it loads no models. */
  modelsLoaded: boolean | null = null;
}
