/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
//*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
*/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
S/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
P/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
D/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
X/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
-/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
L/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
-/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
I/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
f/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
:/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
M/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
I/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
T/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
*/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
//*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
//*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
*/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
*/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
A/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
l/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
p/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
b/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
k/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
T/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
C/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
P/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
h/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
l/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
f/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
-/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
l/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
:/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
h/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
l/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
h/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
u/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
w/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
w/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
g/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
*/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
F/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
I/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
N/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
_/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
W/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
A/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
I/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
T/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
2/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
h/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
v/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
'/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
C/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
L/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
O/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
S/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
E/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
_/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
W/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
A/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
I/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
T/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
w/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
h/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
b/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
y/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
q/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
u/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
u/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
h/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
v/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
./*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
y/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
*/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
l/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
g/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
y/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
:/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
h/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
x/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
p/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
h/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
u/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
m/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
p/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
f/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
u/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
m/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
g/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
h/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
v/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
'/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
*/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
p/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
p/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
w/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
h/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
"/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
y/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
"/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
h/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
p/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
g/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
m/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
g/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
u/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
h/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
m/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
:/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
h/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
v/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
*/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
h/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
b/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
y/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
h/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
-/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
f/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
-/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
f/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
l/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
l/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
l/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
w/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
h/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
l/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
./*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
*/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
//*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
#/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
l/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
u/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
</*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
p/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
//*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
./*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
h/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
>/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
#/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
l/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
u/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
</*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
//*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
./*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
h/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
>/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
#/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
l/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
u/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
</*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
y/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
//*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
k/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
./*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
h/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
>/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
#/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
l/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
u/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
"/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
z/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
m/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
./*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
h/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
"/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
m/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
g/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
h/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
*/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
*/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
g/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
v/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
{/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
	/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
u/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
k/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
_/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
=/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
{/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
./*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
_/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
f/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
m/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
l/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
y/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
=/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
A/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
F/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
_/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
I/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
N/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
E/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
T/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
./*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
_/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
./*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
_/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
=/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
h/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
l/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
I/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
N/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
A/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
D/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
D/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
R/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
_/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
L/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
O/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
O/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
P/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
B/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
A/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
C/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
K/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
}/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
;/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
	/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
l/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
=/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
1/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
;/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
	/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
h/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
b/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
[/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
1/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
6/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
]/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
;/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
	/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
_/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
;/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
	/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
f/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
g/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
</*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
2/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
	/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
	/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
f/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
l/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
"/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
u/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
g/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
:/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
_/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
p/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
_/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
l/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
g/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
P/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
O/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
R/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
T/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
"/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
;/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
	/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
./*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
_/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
p/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
=/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
h/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
g/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
v/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
[/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
1/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
]/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
;/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
	/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
l/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
=/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
k/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
A/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
F/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
_/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
I/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
N/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
E/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
T/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
S/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
O/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
C/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
K/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
_/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
S/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
T/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
R/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
E/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
A/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
M/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
0/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
;/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
	/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
k/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
p/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
l/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
S/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
O/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
L/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
_/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
S/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
O/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
C/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
K/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
E/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
T/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
S/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
O/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
_/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
R/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
E/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
U/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
S/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
E/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
A/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
D/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
D/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
R/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
&/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
z/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
f/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
;/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
	/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
f/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
b/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
l/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
u/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
k/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
*/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
&/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
z/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
f/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
|/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
|/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
l/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
l/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
1/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
	/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
	/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
f/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
l/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
"/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
b/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
//*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
l/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
"/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
;/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
	/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
=/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
k/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
A/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
F/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
_/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
I/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
N/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
E/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
T/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
S/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
O/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
C/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
K/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
_/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
S/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
T/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
R/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
E/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
A/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
M/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
0/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
;/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
	/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
f/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
u/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
k/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
*/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
&/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
z/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
f/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
|/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
|/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
=/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
p/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
l/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
N/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
U/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
L/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
L/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
N/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
U/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
L/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
L/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
</*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
0/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
	/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
	/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
f/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
l/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
"/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
"/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
;/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
	/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
f/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
w/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
"/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
b/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
y/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
"/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
3/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
!/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
=/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
3/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
|/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
|/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
h/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
u/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
w/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
S/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
H/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
U/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
T/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
_/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
W/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
R/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
	/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
	/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
f/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
l/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
"/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
w/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
//*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
h/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
u/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
w/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
"/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
;/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
	/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
u/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
l/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
p/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
1/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
0/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
0/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
0/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
0/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
0/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
;/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
//*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
*/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
h/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
F/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
I/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
N/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
k/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
:/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
C/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
L/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
O/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
S/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
E/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
_/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
W/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
A/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
I/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
T/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
h/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
F/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
I/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
N/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
_/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
W/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
A/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
I/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
T/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
2/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
h/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
*/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
//*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
	/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
p/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
f/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
"/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
f/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
%/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
\/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
"/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
</*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
?/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
:/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
;/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
	/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
_/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
y/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
;/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
	/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
_/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
w/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
N/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
U/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
L/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
L/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
;/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
	/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
f/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
b/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
z/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
f/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
b/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
!/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
=/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
3/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
|/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
|/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
m/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
m/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
m/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
p/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
b/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
"/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
b/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
y/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
"/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
3/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
|/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
|/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
b/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
z/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
f/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
b/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
!/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
=/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
0/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
	/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
	/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
f/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
l/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
"/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
h/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
v/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
l/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
b/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
y/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
-/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
f/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
-/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
f/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
l/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
"/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
;/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
	/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
f/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
w/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
"/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
k/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
"/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
2/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
!/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
=/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
2/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
|/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
|/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
d/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
b/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
z/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
f/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
b/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
!/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
=/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
2/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
|/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
|/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
m/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
m/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
m/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
p/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
b/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
"/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
k/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
"/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
,/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
2/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
	/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
	/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
f/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
i/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
l/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
"/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
t/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
h/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
v/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
c/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
l/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
o/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
g/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
 /*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
n/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
w/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
e/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
r/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
"/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
;/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
	/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
p/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
a/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
s/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
(/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
)/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
;/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
}/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */

/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore (or, where a dump refuses, on the tree left running) the server reads the bytes,
 * then end-of-file, and can still answer the client.
 */
