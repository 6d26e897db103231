using System.Net;
using System.Net.Sockets;
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
