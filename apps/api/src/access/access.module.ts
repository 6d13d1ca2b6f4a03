import { Module } from '@nestjs/common';
import { AccessController } from './access.controller';
import { TicketController } from './ticket.controller';

/** `/access`: users, API tokens, ACLs, roles (the state itself lives in CoreModule: the guard needs it). */
@Module({ controllers: [AccessController, TicketController] })
export class AccessModule {}
