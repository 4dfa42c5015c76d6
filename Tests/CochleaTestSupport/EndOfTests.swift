import Foundation
import XCTest

/// What has to happen once every test has run, while XCTest still holds its test cases.
///
/// XCTest on Linux keeps every test-case instance until the process exits, and exits without
/// releasing them (swift-corelibs-xctest #521). Two consequences are handled here, at the end of
/// the test bundle:
/// - A `TemporaryDirectory` stored in a test case is never deinitialised, so its folder is removed
///   here instead of being left in the temporary directory.
/// - Under `swift test --sanitize=address`, LeakSanitizer's check at exit would report every test
///   case and everything it holds. The check runs here instead (`__lsan_do_leak_check`, which also
///   cancels the one at exit), when those are still reachable, so that what it reports is a real
///   leak. Without AddressSanitizer the symbol is absent and nothing happens.
enum EndOfTests {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var installed = false
    nonisolated(unsafe) private static var folders = Set<String>()

    /// Registers the observer (once); called by the helpers every test case uses.
    static func install() {
        lock.lock()
        defer { lock.unlock() }
        guard !installed else { return }
        installed = true
        XCTestObservationCenter.shared.addTestObserver(Observer())
    }

    static func adopt(_ folder: String) {
        install()
        lock.lock()
        folders.insert(folder)
        lock.unlock()
    }

    static func release(_ folder: String) {
        lock.lock()
        folders.remove(folder)
        lock.unlock()
    }

    private final class Observer: NSObject, XCTestObservation {
        func testBundleDidFinish(_ testBundle: Bundle) {
            EndOfTests.lock.lock()
            let remaining = EndOfTests.folders
            EndOfTests.folders = []
            EndOfTests.lock.unlock()
            for folder in remaining { try? FileManager.default.removeItem(atPath: folder) }
            typealias LeakCheck = @convention(c) () -> Void
            if let check = dlsym(dlopen(nil, RTLD_NOW), "__lsan_do_leak_check") {
                unsafeBitCast(check, to: LeakCheck.self)()
            }
        }
    }
}
