#!/usr/bin/python3
# A disk that fails part-way, for logban's read-error tests: a FUSE file system that shows the
# files of a backing directory read-only, except that a read touching the byte range written in
# "<name>.bad" (two numbers, "START END") fails with EIO, as a bad sector would. The test edits or
# removes the .bad file between runs to make the disk fail or heal. Needs root, /dev/fuse and
# Debian's python3-fusepy. Usage: failing-disk.py BACKING_DIR MOUNT_POINT (stays in the foreground).
import errno
import os
import sys

import fusepy


class FailingDisk(fusepy.Operations):
    def __init__(self, root):
        self.root = root

    def _path(self, path):
        return os.path.join(self.root, path.lstrip('/'))

    def getattr(self, path, fh=None):
        try:
            st = os.lstat(self._path(path))
        except FileNotFoundError:
            raise fusepy.FuseOSError(errno.ENOENT)
        keys = ('st_ino', 'st_mode', 'st_size', 'st_mtime', 'st_ctime', 'st_atime', 'st_nlink', 'st_uid', 'st_gid')
        return {k: getattr(st, k) for k in keys}

    def readdir(self, path, fh):
        return ['.', '..'] + [n for n in os.listdir(self._path(path)) if not n.endswith('.bad')]

    def open(self, path, flags):
        if flags & (os.O_WRONLY | os.O_RDWR):
            raise fusepy.FuseOSError(errno.EROFS)
        return os.open(self._path(path), os.O_RDONLY)

    def read(self, path, size, offset, fh):
        bad = self._bad_range(path)
        if bad is not None and offset < bad[1] and offset + size > bad[0]:
            raise fusepy.FuseOSError(errno.EIO)
        return os.pread(fh, size, offset)

    def release(self, path, fh):
        os.close(fh)
        return 0

    def _bad_range(self, path):
        try:
            with open(self._path(path) + '.bad') as f:
                start, end = f.read().split()
                return int(start), int(end)
        except FileNotFoundError:
            return None


if __name__ == '__main__':
    # direct_io and no attribute or name caching: every read and stat reaches this process, so a
    # healed disk is really read again and a rotation done in the backing directory shows at once;
    # use_ino: the files keep their own inode numbers, as logrotate's renames expect.
    fusepy.FUSE(FailingDisk(sys.argv[1]), sys.argv[2], foreground=True, ro=True, direct_io=True, allow_other=True,
                use_ino=True, attr_timeout=0, entry_timeout=0, negative_timeout=0)
