using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace ClaudeModelProxy.Gateway;

/// <summary>
/// The listening socket. On Linux it carries SO_REUSEPORT, so that <c>restart</c> can start the new
/// gateway on the same port while the old one still listens and drains (no "connection refused"
/// window). Only a process started to take over (<c>serve --take-over-port</c>) joins a port that is
/// already listening; any other start still finds a busy port busy. Linux lets only processes of the
/// same user share a port this way.
/// </summary>
public static class ListenSocket
{
    private const int SolSocket = 1;
    private const int SoReusePort = 15;
    private const int SoAttachReusePortCbpf = 51;
    private const int KestrelBacklog = 512;

    public static bool CanHandOver => OperatingSystem.IsLinux();

    public static Socket Create(EndPoint endpoint, bool takeOver)
    {
        // Elsewhere: exactly Kestrel's own listening socket.
        if (!CanHandOver || endpoint is not IPEndPoint ip) return SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
        if (!takeOver) ThrowIfListening(ip);
        var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (ip.Address.Equals(IPAddress.IPv6Any)) socket.DualMode = true;
            socket.SetRawSocketOption(SolSocket, SoReusePort, BitConverter.GetBytes(1));
            socket.Bind(ip);
            if (takeOver)
            {
                // Joining the port's group happens at listen (Kestrel listens again; that only sets the backlog).
                socket.Listen(KestrelBacklog);
                SteerNewConnectionsToNewest(socket);
            }
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Without this the kernel spreads new connections over both gateways by hash, and the old one's
    /// listening socket is closed with connections still waiting in its accept queue: the kernel resets
    /// them (unless the administrator set net.ipv4.tcp_migrate_req), and a client sees its request
    /// fail in the middle of a handover. A classic BPF program on the port's group picks the socket at
    /// index 1, the one that joined second: the newcomer takes every new connection while the old
    /// gateway only drains what it already has. When only one socket is left, the index is out of range
    /// and the kernel falls back to its hash, which then has one choice.
    /// </summary>
    private static void SteerNewConnectionsToNewest(Socket socket)
    {
        if (!BitConverter.IsLittleEndian) return; // the structs below are written little-endian (x64, arm64)
        // struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; } = { BPF_RET | BPF_K, 0, 0, 1 }
        var filter = Marshal.AllocHGlobal(8);
        try
        {
            Marshal.WriteInt64(filter, 0x0000_0001_0000_0006L);
            // struct sock_fprog { u16 len; (padding) struct sock_filter *filter; }
            Span<byte> program = stackalloc byte[2 * IntPtr.Size];
            program.Clear();
            BitConverter.TryWriteBytes(program, (ushort)1);
            if (IntPtr.Size == 8) BitConverter.TryWriteBytes(program[8..], filter.ToInt64());
            else BitConverter.TryWriteBytes(program[4..], filter.ToInt32());
            socket.SetRawSocketOption(SolSocket, SoAttachReusePortCbpf, program);
        }
        catch (SocketException)
        {
            // A kernel without the option (before 4.5): the hash spreads connections as before.
        }
        finally
        {
            Marshal.FreeHGlobal(filter);
        }
    }

    /// <summary>A plain bind fails on a port someone listens on, with or without SO_REUSEPORT.</summary>
    private static void ThrowIfListening(IPEndPoint ip)
    {
        using var probe = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            probe.Bind(ip);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new IOException($"Failed to bind to address {ip}: address already in use.", e);
        }
    }
}
