import { Module } from '@nestjs/common';
import { IpsModule } from '../ips/ips.module';
import { SubnetIpam } from './subnet-ipam';
import { SubnetsController } from './subnets.controller';

@Module({ imports: [IpsModule], controllers: [SubnetsController], providers: [SubnetIpam] })
export class SubnetsModule {}
