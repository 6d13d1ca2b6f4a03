import { Module } from '@nestjs/common';
import { VnetsController } from './vnets.controller';

@Module({ controllers: [VnetsController] })
export class VnetsModule {}
