import { Module } from '@nestjs/common';
import { IpamsController } from './ipams.controller';

@Module({ controllers: [IpamsController] })
export class IpamsModule {}
