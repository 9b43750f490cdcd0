import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ReadinessState } from '../health/readiness-state';

/**
 * Worker role: the engines load their models in onModuleInit and a failure stops the process, so
 * reaching bootstrap means they are loaded.
 */
@Injectable()
export class ModelsReadyMarker implements OnApplicationBootstrap {
  constructor(private readonly state: ReadinessState) {
    state.modelsLoaded = false;
  }

  onApplicationBootstrap(): void {
    this.state.modelsLoaded = true;
  }
}
