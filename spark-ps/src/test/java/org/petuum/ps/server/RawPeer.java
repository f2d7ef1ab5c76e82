package org.petuum.ps.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import org.petuum.ps.client.PsClient;
import org.petuum.ps.client.ShardConnection;
import org.petuum.ps.protocol.AuthChallenge;
import org.petuum.ps.protocol.AuthResponse;
import org.petuum.ps.protocol.GetRows;
import org.petuum.ps.protocol.Hello;
import org.petuum.ps.protocol.HelloOk;
import org.petuum.ps.protocol.Message;
import org.petuum.ps.protocol.MessageDecoder;
import org.petuum.ps.protocol.MessageEncoder;
import org.petuum.ps.protocol.Rows;
import org.petuum.ps.security.PsSecurity;
import org.petuum.shaded.io.netty.buffer.ByteBuf;
import org.petuum.shaded.io.netty.buffer.ByteBufUtil;
import org.petuum.shaded.io.netty.buffer.Unpooled;
import org.petuum.ssp.RowsSnapshot;

/**
 * A blocking plain-socket peer that can send a server any bytes at all, well-formed or not, or play a server
 * to a real client ({@link #accepted}). Every read is bounded by the socket timeout.
 */
final class RawPeer implements AutoCloseable {
    private static final int TIMEOUT_MS = 5_000;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    RawPeer(InetSocketAddress server) throws IOException {
        this(connect(server));
    }

    private RawPeer(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(TIMEOUT_MS);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** A peer on a connection accepted by a server socket of the test. */
    static RawPeer accepted(Socket socket) throws IOException {
        return new RawPeer(socket);
    }

    /** Plays a shard's part of the handshake: receives the client's {@code HELLO} and answers {@code HELLO_OK}. */
    void greet(String shardName) throws IOException {
        Hello hello = assertInstanceOf(Hello.class, receive());
        send(new HelloOk(hello.requestId(), Message.PROTOCOL_VERSION, shardName));
    }

    /**
     * Lets this fake shard push rows {@code answer.rows()} of table {@code answer.tableId()} to a client: the client
     * reads them on {@code c} (as a subscribing read) and this peer answers with {@code answer}; returns once the
     * client has taken the answer.
     */
    void allowPushes(ShardConnection c, RowsSnapshot answer, long waitMs) throws IOException {
        ShardConnection.Pending read = c.send(seq -> new GetRows(seq, answer.tableId(), 0, 0, 0, waitMs,
                answer.rows()), true);
        GetRows asked = assertInstanceOf(GetRows.class, receive());
        send(new Rows(asked.requestId(), answer));
        PsClient.await(read.answer(), waitMs, () -> "the read that allows pushes");
    }

    private static Socket connect(InetSocketAddress server) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(server, TIMEOUT_MS);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** Sends HELLO to a server that authenticates; returns its challenge. */
    AuthChallenge helloExpectingChallenge() throws IOException {
        send(new Hello(1, Message.PROTOCOL_VERSION, "raw peer"));
        Message m = receive();
        assertEquals(1, m.requestId());
        return assertInstanceOf(AuthChallenge.class, m);
    }

    /**
     * Completes the authenticated handshake with the secret of {@code security}, checking the server's proof.
     *
     * @return the response sent, for replaying it
     */
    AuthResponse authenticate(PsSecurity security) throws IOException {
        byte[] serverNonce = helloExpectingChallenge().serverNonce();
        byte[] clientNonce = security.nonce();
        AuthResponse response = new AuthResponse(2, clientNonce,
                security.clientProof(serverNonce, clientNonce, PsSecurity.NO_BINDING));
        send(response);
        HelloOk ok = assertInstanceOf(HelloOk.class, receive());
        assertEquals(2, ok.requestId());
        assertTrue(security.isServerProof(ok.serverProof(), serverNonce, clientNonce, PsSecurity.NO_BINDING),
                "the server's proof");
        return response;
    }

    /** Completes the handshake of this build's protocol version. */
    HelloOk greet() throws IOException {
        send(new Hello(1, Message.PROTOCOL_VERSION, "raw peer"));
        Message m = receive();
        assertEquals(1, m.requestId());
        return assertInstanceOf(HelloOk.class, m);
    }

    /** Sends the messages' frames in one write, so that the server may read them all at once. */
    void send(Message... ms) throws IOException {
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (Message m : ms) {
            ByteBuf b = Unpooled.buffer();
            try {
                MessageEncoder.encode(m, b);
                frames.writeBytes(ByteBufUtil.getBytes(b));
            } finally {
                b.release();
            }
        }
        write(frames.toByteArray());
    }

    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Ends what this peer sends (the server reads end of input); it can still read. */
    void finishOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** The next message from the server. */
    Message receive() throws IOException {
        byte[] body = new byte[in.readInt()];
        in.readFully(body);
        ByteBuf b = Unpooled.wrappedBuffer(body);
        try {
            return MessageDecoder.decode(b);
        } finally {
            b.release();
        }
    }

    /** Fails unless the server closes this connection (end of stream or reset) within the socket timeout. */
    void assertClosedByServer() throws IOException {
        try {
            byte[] discard = new byte[4096];
            while (in.read(discard) != -1) {
                // Skips whatever the server sent before it closed.
            }
        } catch (SocketTimeoutException e) {
            fail("the server kept the connection open for " + TIMEOUT_MS + " ms");
        } catch (SocketException e) {
            // A reset: the server closed while our bytes were still unread. Closed either way.
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
