import { Module } from '@nestjs/common';
import { SubnetsController } from './subnets.controller';

@Module({ controllers: [SubnetsController] })
export class SubnetsModule {}
