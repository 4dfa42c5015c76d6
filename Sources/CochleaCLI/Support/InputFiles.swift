import Foundation

/// Expands the files and folders named on the command line into a sorted list of audio files.
enum InputFiles {
    /// Extensions of the formats libsndfile reads, used when walking a folder. Files named directly
    /// are taken whatever their extension, so the decoder can say what is wrong with them.
    static let audioExtensions: Set<String> = [
        "wav", "wave", "flac", "ogg", "oga", "opus", "aif", "aiff", "aifc", "au", "snd", "caf", "w64",
        "rf64", "mp3", "voc", "sf", "ircam", "nist", "sph", "htk", "mat", "pvf", "xi", "sds", "avr", "wve",
    ]

    /// A named path that does not exist is kept, so the batch reports it as an error with the rest;
    /// so is a folder without audio files (the decoder then says it is a folder, not audio).
    static func expand(_ arguments: [String]) -> [String] {
        var files = [String]()
        for argument in arguments {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory), isDirectory.boolValue {
                let found = walk(argument)
                files += found.isEmpty ? [argument] : found
            } else {
                files.append(argument)
            }
        }
        return files
    }

    private static func walk(_ folder: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: folder) else { return [] }
        var found = [String]()
        for case let relative as String in enumerator {
            let ext = (relative as NSString).pathExtension.lowercased()
            guard audioExtensions.contains(ext) else { continue }
            let path = (folder as NSString).appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                found.append(path)
            }
        }
        return found.sorted()
    }
}
