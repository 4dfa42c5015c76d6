import Foundation

/// Where the model that ships with Cochlea is found when `--model` is not given: $COCHLEA_MODEL,
/// then `models/default` in the checkout the binary was built in (found by walking up from the
/// executable), then `default-model` beside the executable, then /usr/local/share/cochlea/default.
enum DefaultModel {
    static func locate() -> String? {
        var candidates = [String]()
        if let environment = ProcessInfo.processInfo.environment["COCHLEA_MODEL"] { candidates.append(environment) }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        candidates.append(executable.appendingPathComponent("default-model").path)
        var folder = executable
        for _ in 0..<6 {
            candidates.append(folder.appendingPathComponent("models/default").path)
            folder = folder.deletingLastPathComponent()
        }
        candidates.append("/usr/local/share/cochlea/default")
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/config.json") }
    }

    static func resolve(_ given: String?) throws -> String {
        if let given { return given }
        guard let found = locate() else {
            throw ValidationErrorMessage("no --model given and the default model was not found (looked in $COCHLEA_MODEL, models/default of the checkout, default-model beside the binary)")
        }
        return found
    }
}

struct ValidationErrorMessage: Error, CustomStringConvertible {
    let description: String
    init(_ text: String) { description = text }
}
