// The bridge's local boards in one call: app.ts adds the transport this returns (if any) to the
// others. Kept apart so the MQTT-only bridge never loads node-hid or the GPIO bindings.
import type { BridgeConfig } from '../config/load.ts';
import type { Transport, TransportEvents } from '../transports/types.ts';
import { HidFleet } from './hid/fleet.ts';
import { coreSettings, localBoardSpecs } from './outputs.ts';
import type { LocalBoardSettings } from './outputs.ts';
import { LocalTransport } from './transport.ts';

export interface LocalConfig {
  boards: LocalBoardSettings[];
  boardDefaults: BridgeConfig['boardDefaults'];
  /** Every BlinkStick and blink(1) plugged in is a board of its own. */
  usbLights?: boolean;
}

/** LocalTransport with the USB fleet started and stopped along with it. */
class LocalWithFleet extends LocalTransport {
  fleet: HidFleet | undefined;
  override async start(events: TransportEvents): Promise<void> {
    await super.start(events);
    await this.fleet?.start();
  }
  override async stop(): Promise<void> {
    this.fleet?.stop();
    await super.stop();
  }
  override health() {
    const h = super.health();
    if (this.fleet) {
      h.counters.usbScanErrors = this.fleet.errors;
      if (this.fleet.lastError) h.detail += ` | usb: ${this.fleet.lastError}`;
    }
    return h;
  }
}

/** The local transport for the config, or undefined when it has no local boards. */
export function localTransport(config: LocalConfig, log: (line: string) => void): Transport | undefined {
  const specs = localBoardSpecs(config.boards);
  if (specs.length === 0 && !config.usbLights) return undefined;
  const transport = new LocalWithFleet({ boards: specs, log });
  if (config.usbLights) {
    const configured = config.boards.flatMap((b) => (b.outputs ?? []).map((o) => o.serial)).filter((s): s is string => s !== undefined);
    transport.fleet = new HidFleet({
      settings: coreSettings(config.boardDefaults),
      exclude: configured,
      add: (spec) => transport.add(spec),
      remove: (id) => transport.remove(id),
    });
  }
  return transport;
}
