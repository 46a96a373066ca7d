"""A real SMTP server for the notification tests: every message accepted is
written to DIR as NNNNN.eml. With --fail N it refuses the first N messages
(451, try again later) to exercise retries.

usage: smtp_sink.py PORT DIR [--fail N]
"""
import pathlib
import signal
import sys

from aiosmtpd.controller import Controller


class Save:
    def __init__(self, directory, failures):
        self.directory = pathlib.Path(directory)
        self.failures = failures
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        if self.failures > 0:
            self.failures -= 1
            return "451 4.3.0 Try again later"
        self.count += 1
        (self.directory / f"{self.count:05}.eml").write_bytes(envelope.original_content or envelope.content)
        return "250 OK"


def main():
    port, directory = int(sys.argv[1]), sys.argv[2]
    failures = int(sys.argv[sys.argv.index("--fail") + 1]) if "--fail" in sys.argv else 0
    # Blocked here so sigwait below receives them (the server thread inherits the mask).
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    controller = Controller(Save(directory, failures), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()


if __name__ == "__main__":
    main()
