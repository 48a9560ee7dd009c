// While this window uses the proxy of another window: every 2 s, asks whether it still answers
// with our token, and says so when it does not, so that this window can start its own.
import { isOurProxy } from './ports';

export class SharedProxyPoll {
  private timer: NodeJS.Timeout | undefined;

  /** `gone` runs after every poll that finds no proxy of ours on `port`, until stop(). */
  start(port: number, token: string, gone: () => void): void {
    this.stop();
    this.timer = setInterval(() => {
      void isOurProxy(port, token).then((alive) => {
        if (!alive) gone();
      });
    }, 2000);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
