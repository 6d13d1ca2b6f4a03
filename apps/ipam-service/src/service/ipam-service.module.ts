import { DynamicModule, Module } from '@nestjs/common';
import { IPAM_RPC, IpamController } from './ipam.controller';
import { IpamRpc } from './ipam-rpc';

@Module({})
export class IpamServiceModule {
  static forRpc(rpc: IpamRpc): DynamicModule {
    return { module: IpamServiceModule, controllers: [IpamController], providers: [{ provide: IPAM_RPC, useValue: rpc }] };
  }
}
