import CochleaCore
import CochleaTestSupport
import Foundation
import XCTest

/// `cochlea train` and `cochlea evaluate` as 2 ranks of an Open MPI job (on one machine, more
/// ranks than cores allowed), against one process.
final class MPITests: XCTestCase {
    static let folder = TemporaryDirectory()
    static var corpus: String { folder.file("corpus") }
    /// A few steps: 2 epochs of 4 batches of 4 utterances, 8 hidden units; every run uses 1 thread.
    static let training = ["--epochs", "2", "--hidden", "8", "--batch-size", "4", "--threads", "1", "--early-stopping", "0"]
    /// Weights of 2 ranks and of 1 process after 8 steps. Not bit for bit: one process sums each
    /// weight's gradient over the whole batch inside one GEMM, 2 ranks sum over their halves and
    /// then add the halves, so each gradient element is rounded differently (about 1 ulp, 1e-7
    /// relative); Adam's steps of about lr·m/√v carry that on at the scale of lr·1e-7 per step.
    /// Measured: 4.8e-7 after 16 steps of the 2 × 16 model on datasets/sample/words.
    static let tolerance = 1e-5
    /// Two launches of the same computation (mpirun -np 1 and a plain run; a resumed run and an
    /// uninterrupted one) are the same arithmetic, bit for bit: every process plans its FFT from
    /// the same built-in FFTW wisdom, so features agree to the last bit across launches.
    static let processTolerance = 0.0

    static var mpirun: String? {
        ["/usr/bin/mpirun", "/usr/local/bin/mpirun"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    override class func setUp() {
        super.setUp()
        if mpirun != nil { try! TinyCorpus.write(to: corpus) }
    }

    override func setUpWithError() throws {
        guard Self.mpirun != nil else {
            throw XCTSkip("mpirun not found: install openmpi-bin (scripts/setup.sh does) to run the MPI tests")
        }
    }

    /// Runs the built binary under `mpirun -np ranks`.
    static func mpi(_ ranks: Int, _ arguments: [String]) throws -> CLI.Result {
        try CLI.run(program: mpirun!, ["--allow-run-as-root", "--oversubscribe", "-np", String(ranks), CLI.binary] + arguments,
                    environment: rankEnvironment)
    }

    /// Under AddressSanitizer (COCHLEA_SANITIZE=address scripts/test.sh) the ranks unwind the whole
    /// stack at every allocation. Open MPI's libraries have no frame pointers, so the fast unwinder
    /// stops inside them and LeakSanitizer cannot tell what Open MPI keeps after MPI_Finalize from a
    /// leak of ours; with whole stacks, scripts/sanitizers/lsan.supp names the libraries. (Only
    /// here: whole stacks make every allocation slow.) Ranks on other "hosts" get it through -x.
    static var rankEnvironment: [String: String] {
        guard let asan = ProcessInfo.processInfo.environment["ASAN_OPTIONS"] else { return [:] }
        return ["ASAN_OPTIONS": asan + ":fast_unwind_on_malloc=0", "COCHLEA_MPI_OPTIONS": "-x ASAN_OPTIONS -x LSAN_OPTIONS -x SWIFT_BACKTRACE"]
    }

    static func weights(_ checkpoint: String) throws -> [String: [Float]] {
        try SafeTensors.read(checkpoint).tensors.filter { !$0.key.hasPrefix("optimizer.") }.mapValues(\.floats)
    }

    static func history(_ model: String, columns: [Int]) throws -> [[String]] {
        try String(contentsOfFile: model + "/history.tsv", encoding: .utf8).split(separator: "\n").dropFirst()
            .map { line in let fields = line.split(separator: "\t").map(String.init); return columns.map { fields[$0] } }
    }

    /// The same seed and global batch on 2 ranks and on 1 process give the same weights to float
    /// tolerance and the same validation results; with dropout, 2 ranks match `mpirun -np 1`
    /// (under mpirun each utterance's dropout mask follows its place in the global batch, so it is
    /// the same for any number of ranks), and `mpirun -np 1` is a plain run (the same arithmetic).
    func testTwoRanksTrainLikeOneProcess() throws {
        let plain = Self.folder.file("plain"), two = Self.folder.file("two"), one = Self.folder.file("one")
        let plainRun = try CLI.run(["train", Self.corpus, "--out", plain, "--dropout", "0"] + Self.training)
        XCTAssertEqual(plainRun.status, 0, plainRun.stderr)
        XCTAssertFalse(plainRun.stderr.contains("MPI"), "a plain run says nothing of MPI: \(plainRun.stderr)")
        let twoRun = try Self.mpi(2, ["train", Self.corpus, "--out", two, "--dropout", "0"] + Self.training)
        XCTAssertEqual(twoRun.status, 0, twoRun.stderr)
        XCTAssertTrue(twoRun.stderr.contains("split over 2 processes"), twoRun.stderr)
        XCTAssertEqual(twoRun.stderr.components(separatedBy: "epoch  2:").count, 2, "rank 0 alone reports: \(twoRun.stderr)")
        XCTAssertEqual(twoRun.stdout.components(separatedBy: "best validation WER").count, 2, twoRun.stdout)
        let expected = try Self.weights(plain + "/checkpoints/last.safetensors")
        let actual = try Self.weights(two + "/checkpoints/last.safetensors")
        XCTAssertEqual(Set(actual.keys), Set(expected.keys))
        for (name, values) in expected {
            assertClose(actual[name] ?? [], values.map(Double.init), absolute: Self.tolerance, relative: 0, "2 ranks vs 1 process: \(name)")
        }
        // Steps, learning rate and validation WER/CER equal; losses to float tolerance.
        XCTAssertEqual(try Self.history(two, columns: [0, 1, 2, 5, 6]), try Self.history(plain, columns: [0, 1, 2, 5, 6]))
        assertClose(try Self.history(two, columns: [3, 4]).flatMap { $0.map { Double($0)! } },
                    try Self.history(plain, columns: [3, 4]).flatMap { $0.map { Double($0)! } }, absolute: 0, relative: 1e-5, "losses")

        let oneZero = try Self.mpi(1, ["train", Self.corpus, "--out", one, "--dropout", "0"] + Self.training)
        XCTAssertEqual(oneZero.status, 0, oneZero.stderr)
        for (name, values) in try Self.weights(one + "/checkpoints/last.safetensors") {
            assertClose(values, expected[name]?.map(Double.init) ?? [], absolute: Self.processTolerance, relative: 0, "mpirun -np 1 is a plain run: \(name)")
        }

        // Dropout (the default 0.15): 2 ranks, the gradients summed layer by layer during backward,
        // against 1 rank.
        for (ranks, out, overlap) in [(1, one + "-dropout", []), (2, two + "-dropout", ["--overlap-allreduce"])] {
            let run = try Self.mpi(ranks, ["train", Self.corpus, "--out", out] + Self.training + overlap)
            XCTAssertEqual(run.status, 0, run.stderr)
        }
        let oneRank = try Self.weights(one + "-dropout/checkpoints/last.safetensors")
        let twoRanks = try Self.weights(two + "-dropout/checkpoints/last.safetensors")
        XCTAssertNotEqual(oneRank["output.bias"], expected["output.bias"], "dropout changed the weights")
        for (name, values) in oneRank {
            assertClose(twoRanks[name] ?? [], values.map(Double.init), absolute: Self.tolerance, relative: 0, "dropout, 2 ranks vs 1: \(name)")
        }
    }

    /// Fine-tuning under mpirun: rank 0 reads the starting model and sends it to the other ranks,
    /// whose run then matches a plain fine-tuning run from the same model.
    func testTwoRanksFineTuneLikeOneProcess() throws {
        let start = Self.folder.file("start"), plain = Self.folder.file("tuned-plain"), two = Self.folder.file("tuned-two")
        let started = try CLI.run(["train", Self.corpus, "--out", start, "--dropout", "0"] + Self.training)
        XCTAssertEqual(started.status, 0, started.stderr)
        // The starting model sets the hidden size.
        let tuning = ["--init-from", start, "--dropout", "0", "--epochs", "1", "--batch-size", "4", "--threads", "1", "--early-stopping", "0"]
        let plainRun = try CLI.run(["train", Self.corpus, "--out", plain] + tuning)
        XCTAssertEqual(plainRun.status, 0, plainRun.stderr)
        let twoRun = try Self.mpi(2, ["train", Self.corpus, "--out", two] + tuning)
        XCTAssertEqual(twoRun.status, 0, twoRun.stderr)
        XCTAssertEqual(twoRun.stderr.components(separatedBy: "starting from the weights of \(start)").count, 2, "rank 0 alone reports: \(twoRun.stderr)")
        let expected = try Self.weights(plain + "/checkpoints/last.safetensors")
        let actual = try Self.weights(two + "/checkpoints/last.safetensors")
        XCTAssertEqual(Set(actual.keys), Set(expected.keys))
        for (name, values) in expected {
            assertClose(actual[name] ?? [], values.map(Double.init), absolute: Self.tolerance, relative: 0, "fine-tuned, 2 ranks vs 1 process: \(name)")
        }
        // And both moved away from the start, so the comparison says something.
        XCTAssertNotEqual(try Self.weights(start + "/checkpoints/last.safetensors")["output.bias"], expected["output.bias"])
    }

    /// Sharded evaluation prints and writes exactly what one process does.
    func testTwoRanksEvaluateExactlyLikeOneProcess() throws {
        let model = Self.folder.file("eval-model")
        let trained = try CLI.run(["train", Self.corpus, "--out", model] + Self.training)
        XCTAssertEqual(trained.status, 0, trained.stderr)
        // 90 files: the recognizer's chunks of 64 and 26 go to ranks 0 and 1.
        let data = Self.folder.file("eval-corpus")
        try TinyCorpus.write(to: data, perWord: 30)
        let common = ["evaluate", data, "--model", model, "--split", "all", "--threads", "1"]
        let single = try CLI.run(common + ["--report", Self.folder.file("one.json"), "--trn", Self.folder.file("one-trn")])
        let sharded = try Self.mpi(2, common + ["--report", Self.folder.file("two.json"), "--trn", Self.folder.file("two-trn")])
        XCTAssertEqual(single.status, 0, single.stderr)
        XCTAssertEqual(sharded.status, 0, sharded.stderr)
        func scores(_ text: String) -> [String] {
            text.split(separator: "\n").map(String.init).filter { !$0.contains("real time") }
        }
        XCTAssertEqual(scores(sharded.stdout), scores(single.stdout))
        XCTAssertTrue(single.stdout.contains("%WER"), single.stdout)
        func report(_ name: String) throws -> NSDictionary {
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.folder.file(name)))) as? [String: Any])
            return object.filter { $0.key != "seconds" } as NSDictionary
        }
        XCTAssertEqual(try report("two.json"), try report("one.json"))
        for file in ["ref.trn", "hyp.trn"] {
            XCTAssertEqual(try String(contentsOfFile: Self.folder.file("two-trn/") + file, encoding: .utf8),
                           try String(contentsOfFile: Self.folder.file("one-trn/") + file, encoding: .utf8))
        }
    }

    /// A rank killed with SIGKILL mid-run ends the job; rank 0 says which checkpoint is intact; the
    /// checkpoint loads, and `--resume` on 2 ranks reaches the weights of a run that was never
    /// interrupted (the same arithmetic, bit for bit).
    func testARankThatDiesEndsTheJobAndTheLastCheckpointResumes() throws {
        let straight = Self.folder.file("straight"), killed = Self.folder.file("killed")
        var options = Self.training
        options[1] = "6"   // epochs
        let uninterrupted = try Self.mpi(2, ["train", Self.corpus, "--out", straight] + options)
        XCTAssertEqual(uninterrupted.status, 0, uninterrupted.stderr)

        // The same run, with rank 1 killed once the first epoch's checkpoint exists.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.mpirun!)
        process.arguments = ["--allow-run-as-root", "--oversubscribe", "-np", "2", CLI.binary, "train", Self.corpus, "--out", killed] + options
        let log = Self.folder.file("killed.log")
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardError = process.standardOutput
        process.environment = ProcessInfo.processInfo.environment.merging(Self.rankEnvironment) { $1 }
        try process.run()
        let checkpoint = killed + "/checkpoints/last.safetensors"
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: checkpoint) && process.isRunning && Date() < deadline { usleep(20_000) }
        let victim = try XCTUnwrap(Self.rank(1, of: killed), "rank 1 of the job is running")
        XCTAssertEqual(kill(victim, SIGKILL), 0)
        process.waitUntilExit()
        let output = try String(contentsOfFile: log, encoding: .utf8)
        XCTAssertNotEqual(process.terminationStatus, 0, output)
        XCTAssertTrue(output.contains("mpirun is ending the job"), output)
        XCTAssertTrue(output.contains("\(checkpoint) (after epoch 1) is intact"), output)
        let saved = try SafeTensors.read(checkpoint)
        XCTAssertEqual(saved.metadata["format"], "cochlea-checkpoint-1")
        XCTAssertTrue(saved.metadata["state"]?.contains("\"epoch\":1,") == true, saved.metadata["state"] ?? "")

        // mpirun may return before rank 0 has gone, and until then rank 0's lock holds the folder
        // (once it has exited, even unreaped, the lock is free).
        let gone = Date().addingTimeInterval(20)
        while Self.rank(0, of: killed) != nil && Date() < gone { usleep(50_000) }
        let resumed = try Self.mpi(2, ["train", Self.corpus, "--out", killed, "--resume", "--threads", "1"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr + resumed.stdout)
        let expected = try Self.weights(straight + "/checkpoints/last.safetensors")
        for (name, values) in try Self.weights(killed + "/checkpoints/last.safetensors") {
            assertClose(values, expected[name]?.map(Double.init) ?? [], absolute: Self.processTolerance, relative: 0, "resumed on 2 ranks: \(name)")
        }
        XCTAssertEqual(try Self.history(killed, columns: [0, 1, 2, 5, 6]), try Self.history(straight, columns: [0, 1, 2, 5, 6]))
    }

    /// 2 ranks on two "hosts", network namespaces joined by a veth pair, talking over TCP
    /// (scripts/mpi_two_hosts.sh), train like one process. Needs root and ip(8).
    func testTwoHostsOverTCPTrainLikeOneProcess() throws {
        let probe = "cochlea-probe-\(getpid())"
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip"),
              (try? CLI.run(program: "/usr/sbin/ip", ["netns", "add", probe]))?.status == 0
        else { throw XCTSkip("needs root, ip(8) and network namespaces") }
        try CLI.run(program: "/usr/sbin/ip", ["netns", "del", probe])
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../scripts/mpi_two_hosts.sh").standardized.path
        let plain = Self.folder.file("hosts-plain"), hosts = Self.folder.file("hosts-two")
        let plainRun = try CLI.run(["train", Self.corpus, "--out", plain, "--dropout", "0"] + Self.training)
        XCTAssertEqual(plainRun.status, 0, plainRun.stderr)
        let run = try CLI.run(program: "/bin/bash", [script, CLI.binary, "train", Self.corpus, "--out", hosts, "--dropout", "0"] + Self.training,
                              environment: Self.rankEnvironment)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("split over 2 processes"), run.stderr)
        let expected = try Self.weights(plain + "/checkpoints/last.safetensors")
        for (name, values) in try Self.weights(hosts + "/checkpoints/last.safetensors") {
            assertClose(values, expected[name]?.map(Double.init) ?? [], absolute: Self.tolerance, relative: 0, "two hosts vs 1 process: \(name)")
        }
    }

    /// The pid of rank `rank` of the running job training into `out`.
    static func rank(_ rank: Int, of out: String) -> pid_t? {
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.compactMap { pid_t($0) } ?? []
        return pids.first { pid in
            guard let command = procFile("/proc/\(pid)/cmdline"),
                  String(decoding: command, as: UTF8.self).contains(out), !String(decoding: command, as: UTF8.self).contains("mpirun"),
                  let environment = procFile("/proc/\(pid)/environ")
            else { return false }
            return environment.split(separator: 0).contains { String(decoding: $0, as: UTF8.self) == "OMPI_COMM_WORLD_RANK=\(rank)" }
        }
    }

    /// A /proc file's bytes. (Read with read(2): FileManager.contents(atPath:) loses a 4 kB buffer
    /// for every file that reports size 0, as /proc files do; LeakSanitizer counted 116 of them.)
    static func procFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](), chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(fd, &chunk, chunk.count)
            if count < 0 { return nil }
            if count == 0 { return bytes }
            bytes += chunk[0..<count]
        }
    }
}
