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
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Called by the gateway taking over the port once it serves. Until then the kernel spreads new connections
    /// over both gateways by hash; but the old one's listening socket is closed with connections still waiting in
    /// its accept queue, and the kernel resets those (unless the administrator set net.ipv4.tcp_migrate_req), so a
    /// client would see its request fail in the middle of a handover. A classic BPF program on the port's group
    /// picks the socket at index 1, the one that joined second: from now on the newcomer takes every new
    /// connection while the old gateway only drains what it has. When only one socket is left the index is out of
    /// range and the kernel falls back to its hash, which then has one choice. (Two restarts overlapping, three
    /// sockets at once, would steer to the middle one; restart is not meant to be run twice at the same time.)
    /// </summary>
    /// <returns>Null when steered; otherwise why not (a kernel before 4.5 lacks the option).</returns>
    public static string? SteerNewConnectionsHere(Socket socket)
    {
        if (!CanHandOver || !BitConverter.IsLittleEndian) return "not Linux on a little-endian machine";
        // struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; } = { BPF_RET | BPF_K, 0, 0, 1 }
        var filter = Marshal.AllocHGlobal(8);
        try
        {
            Marshal.WriteInt64(filter, 0x0000_0001_0000_0006L);
            // struct sock_fprog { u16 len; (padding) struct sock_filter *filter; }; the kernel copies the program.
            Span<byte> program = stackalloc byte[2 * IntPtr.Size];
            program.Clear();
            BitConverter.TryWriteBytes(program, (ushort)1);
            if (IntPtr.Size == 8) BitConverter.TryWriteBytes(program[8..], filter.ToInt64());
            else BitConverter.TryWriteBytes(program[4..], filter.ToInt32());
            socket.SetRawSocketOption(SolSocket, SoAttachReusePortCbpf, program);
            return null;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return e.Message;
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
