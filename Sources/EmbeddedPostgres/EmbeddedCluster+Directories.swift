import Foundation

extension EmbeddedCluster {
    /// Creates `directory`, `pgdata/`, `run/` and `log/` with the right owner and modes, and
    /// refuses directories that belong to someone else or that the server account cannot enter.
    func prepareDirectories() throws {
        let files = FileManager.default
        var isDirectory: ObjCBool = false
        if files.fileExists(atPath: directory, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw EmbeddedClusterError.notADirectory(path: directory)
        }
        if files.fileExists(atPath: dataPath), !files.fileExists(atPath: "\(dataPath)/PG_VERSION"),
           let contents = try? files.contentsOfDirectory(atPath: dataPath), !contents.isEmpty {
            throw EmbeddedClusterError.notADirectory(path: dataPath)
        }
        guard socketDirectory.utf8.count + 20 < 108 else {
            throw EmbeddedClusterError("cluster.path_too_long",
                                       "数据目录路径 \(directory) 太长，Unix 套接字路径不能超过 107 字节。请设置更短的 HUQI_DATA_DIR。")
        }
        try files.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        let owner = tools.serviceAccount ?? (getuid(), getgid())
        for (path, mode) in [(dataPath, 0o700), (socketDirectory, 0o700), ("\(directory)/log", 0o755)] {
            if files.fileExists(atPath: path) {
                let attributes = try files.attributesOfItem(atPath: path)
                let uid = (attributes[.ownerAccountID] as? NSNumber)?.uint32Value ?? 0
                if uid != owner.uid {
                    throw EmbeddedClusterError.foreignOwner(
                        path: path, owner: userName(uid), expected: tools.serviceUser ?? userName(getuid()))
                }
            } else {
                try files.createDirectory(atPath: path, withIntermediateDirectories: false, attributes: [.posixPermissions: mode])
                if tools.serviceAccount != nil, chown(path, owner.uid, owner.gid) != 0 {
                    throw EmbeddedClusterError.userSetup("chown \(path) 失败")
                }
            }
        }
        if let user = tools.serviceUser, !canEnter(directory, as: owner.uid) {
            throw EmbeddedClusterError.notTraversable(path: directory, user: user)
        }
    }

    /// True when every ancestor of `path` grants search permission to `uid` (as other or owner).
    private func canEnter(_ path: String, as uid: uid_t) -> Bool {
        var current = URL(fileURLWithPath: path)
        while current.path != "/" {
            var info = stat()
            guard stat(current.path, &info) == 0 else { return false }
            let searchable = info.st_uid == uid ? (info.st_mode & S_IXUSR) != 0 : (info.st_mode & S_IXOTH) != 0
            if !searchable { return false }
            current.deleteLastPathComponent()
        }
        return true
    }

    private func userName(_ uid: uid_t) -> String {
        getpwuid(uid).map { String(cString: $0.pointee.pw_name) } ?? "uid \(uid)"
    }
}
