import { Module } from '@nestjs/common';
import { IpsModule } from '../ips/ips.module';
import { IpamsStatusController } from './ipams-status.controller';

@Module({ imports: [IpsModule], controllers: [IpamsStatusController] })
export class IpamsStatusModule {}
