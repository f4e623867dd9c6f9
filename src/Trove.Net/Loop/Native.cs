using System.Runtime.InteropServices;

namespace Trove.Net.Loop;

/// <summary>
/// The Linux system calls the event loop uses. recv/send are always called with MSG_DONTWAIT, so
/// they return at once; they still keep the GC transition: with [SuppressGCTransition] on them the
/// test host crashed in the GC now and then (2 of 9 suite runs, none in 6 runs without it).
/// </summary>
internal static unsafe partial class Native
{
    private const string Libc = "libc";

    public const int EPOLL_CLOEXEC = 0x80000;
    public const int EPOLL_CTL_ADD = 1;
    public const int EPOLL_CTL_DEL = 2;
    public const int EPOLL_CTL_MOD = 3;
    public const uint EPOLLIN = 0x001;
    public const uint EPOLLOUT = 0x004;
    public const uint EPOLLERR = 0x008;
    public const uint EPOLLHUP = 0x010;
    public const int EFD_CLOEXEC = 0x80000;
    public const int EFD_NONBLOCK = 0x800;
    public const int MSG_DONTWAIT = 0x40;
    public const int MSG_NOSIGNAL = 0x4000;
    public const int SHUT_WR = 1;
    public const int EINTR = 4;
    public const int EAGAIN = 11;

    /// <summary>struct epoll_event as x86-64 lays it out (packed: 12 bytes).</summary>
    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    public struct EpollEvent
    {
        public uint Events;
        public ulong Data;
    }

    /// <summary>The loop runs only where <see cref="EpollEvent"/>'s layout is known to match the kernel's.</summary>
    public static bool IsSupported =>
        OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64;

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int epoll_create1(int flags);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int epoll_ctl(int epfd, int op, int fd, EpollEvent* ev);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int epoll_wait(int epfd, EpollEvent* events, int maxevents, int timeout);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int eventfd(uint initval, int flags);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial nint recv(int fd, byte* buf, nuint len, int flags);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial nint send(int fd, byte* buf, nuint len, int flags);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial nint read(int fd, void* buf, nuint len);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial nint write(int fd, void* buf, nuint len);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int shutdown(int fd, int how);
}
