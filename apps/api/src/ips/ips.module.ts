import { Module } from '@nestjs/common';
import { IpamClient } from './ipam-client';
import { IpsController } from './ips.controller';

@Module({ controllers: [IpsController], providers: [IpamClient], exports: [IpamClient] })
export class IpsModule {}
