import ServiceLifecycle

/// The loop of the background services (audit sealer, workflow sweeper, weekly scheduler): runs
/// `pass` now and then every `interval` until graceful shutdown or cancellation. A pass handles
/// its own errors, so one failure (the database away, say) never ends the loop.
func repeatUntilShutdown(every interval: Duration, _ pass: @escaping @Sendable () async -> Void) async {
    await cancelWhenGracefulShutdown {
        while !Task.isCancelled {
            await pass()
            try? await Task.sleep(for: interval)
        }
    }
}
