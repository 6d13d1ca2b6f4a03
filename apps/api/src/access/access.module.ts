import { Module } from '@nestjs/common';
import { AccessController } from './access.controller';

/** `/access`: users, API tokens, ACLs, roles (the state itself lives in CoreModule: the guard needs it). */
@Module({ controllers: [AccessController] })
export class AccessModule {}
