package mail

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/mfa-reminder/mfa-reminder/pkg/config"
)

// testCertificate is a self-signed certificate for 127.0.0.1 and localhost.
type testCertificate struct {
	server *tls.Config // for the test server
	client *tls.Config // trusts the certificate
}

func newTestCertificate(t *testing.T) testCertificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("generate key: %v", err)
	}
	template := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "mfa-reminder test SMTP server"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		t.Fatalf("create certificate: %v", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("parse certificate: %v", err)
	}

	roots := x509.NewCertPool()
	roots.AddCert(cert)
	return testCertificate{
		server: &tls.Config{
			Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}},
		},
		client: &tls.Config{RootCAs: roots},
	}
}

// serverOptions configure a test SMTP server.
type serverOptions struct {
	tls         *tls.Config // offered with STARTTLS, or used from the start with implicitTLS
	implicitTLS bool
	// username and password, when set, make AUTH required.
	username, password string
	loginOnly          bool // offer AUTH LOGIN instead of PLAIN
	insecureAuth       bool // offer AUTH without TLS
	// rejected maps recipients to the error their RCPT gets.
	rejected map[string]*smtp.SMTPError
	// rejectedData maps recipients to the error that DATA gets for them.
	rejectedData map[string]*smtp.SMTPError
	// closingReplies is how many MAIL commands get "421 shutting down".
	closingReplies int
	// dropAfterData closes the connection after storing a message,
	// before the reply to DATA.
	dropAfterData bool
	// stall makes DATA wait until the channel is closed.
	stall chan struct{}
}

// receivedMessage is a message that the test server accepted.
type receivedMessage struct {
	from       string
	recipients []string
	data       []byte
	connection int // number of the connection, from 1
	tls        bool
	helo       string
}

// testServer is a go-smtp server on 127.0.0.1 that stores what it receives.
type testServer struct {
	opts serverOptions
	host string
	port int

	mu          sync.Mutex
	messages    []receivedMessage
	connections map[*smtp.Conn]int
}

func startTestServer(t *testing.T, opts serverOptions) *testServer {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	addr := listener.Addr().(*net.TCPAddr)
	ts := &testServer{
		opts:        opts,
		host:        "127.0.0.1",
		port:        addr.Port,
		connections: map[*smtp.Conn]int{},
	}

	server := smtp.NewServer(smtp.BackendFunc(ts.newSession))
	server.Domain = "localhost"
	server.ReadTimeout = 10 * time.Second
	server.WriteTimeout = 10 * time.Second
	server.AllowInsecureAuth = opts.insecureAuth
	// Failed handshakes are expected in some tests.
	server.ErrorLog = log.New(io.Discard, "", 0)
	if opts.implicitTLS {
		listener = tls.NewListener(listener, opts.tls)
	} else {
		server.TLSConfig = opts.tls
	}

	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := server.Serve(listener); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
			t.Errorf("test SMTP server: %v", err)
		}
	}()
	t.Cleanup(func() {
		if opts.stall != nil {
			select {
			case <-opts.stall:
			default:
				close(opts.stall)
			}
		}
		server.Close()
		// Close misses the listener when Serve has not registered it yet.
		listener.Close()
		<-done
	})
	return ts
}

// config returns an SMTP configuration for this server.
func (ts *testServer) config(encryption string) config.SMTPConfig {
	return config.SMTPConfig{
		Host:       ts.host,
		Port:       ts.port,
		Encryption: encryption,
		Username:   ts.opts.username,
		Password:   ts.opts.password,
		HELO:       "mfa-reminder.test",
		Timeout:    5 * time.Second,
	}
}

func (ts *testServer) address() string {
	return net.JoinHostPort(ts.host, strconv.Itoa(ts.port))
}

func (ts *testServer) received() []receivedMessage {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]receivedMessage(nil), ts.messages...)
}

func (ts *testServer) connectionCount() int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return len(ts.connections)
}

// dropConnections closes every open connection from the server side.
func (ts *testServer) dropConnections() {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	for conn := range ts.connections {
		conn.Close()
	}
}

// newSession runs at the first EHLO of a connection and again after
// STARTTLS, so such a connection gets two sessions but one number.
func (ts *testServer) newSession(conn *smtp.Conn) (smtp.Session, error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	number, ok := ts.connections[conn]
	if !ok {
		number = len(ts.connections) + 1
		ts.connections[conn] = number
	}
	return &testSession{server: ts, conn: conn, number: number}, nil
}

type testSession struct {
	server        *testServer
	conn          *smtp.Conn
	number        int
	authenticated bool
	from          string
	recipients    []string
}

func (s *testSession) AuthMechanisms() []string {
	switch {
	case s.server.opts.username == "":
		return nil
	case s.server.opts.loginOnly:
		return []string{sasl.Login}
	default:
		return []string{sasl.Plain}
	}
}

func (s *testSession) Auth(mechanism string) (sasl.Server, error) {
	check := func(username, password string) error {
		if username != s.server.opts.username || password != s.server.opts.password {
			return smtp.ErrAuthFailed
		}
		s.authenticated = true
		return nil
	}
	switch mechanism {
	case sasl.Plain:
		return sasl.NewPlainServer(func(identity, username, password string) error {
			return check(username, password)
		}), nil
	case sasl.Login:
		return &loginServer{check: check}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (s *testSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.server.opts.username != "" && !s.authenticated {
		return smtp.ErrAuthRequired
	}
	// go-smtp's server accepts a second MAIL in one transaction, but
	// Postfix and most others require RSET first.
	if s.from != "" {
		return &smtp.SMTPError{Code: 503, EnhancedCode: smtp.EnhancedCode{5, 5, 1},
			Message: "Error: nested MAIL command"}
	}
	s.server.mu.Lock()
	defer s.server.mu.Unlock()
	if s.server.opts.closingReplies > 0 {
		s.server.opts.closingReplies--
		return &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 3, 2},
			Message: "Service shutting down"}
	}
	s.from = from
	return nil
}

func (s *testSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err, ok := s.server.opts.rejected[to]; ok {
		return err
	}
	s.recipients = append(s.recipients, to)
	return nil
}

func (s *testSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if s.server.opts.stall != nil {
		<-s.server.opts.stall
	}
	for _, recipient := range s.recipients {
		if err, ok := s.server.opts.rejectedData[recipient]; ok {
			return err
		}
	}
	_, isTLS := s.conn.TLSConnectionState()

	s.server.mu.Lock()
	defer s.server.mu.Unlock()
	if s.server.opts.dropAfterData {
		defer s.conn.Close()
	}
	s.server.messages = append(s.server.messages, receivedMessage{
		from:       s.from,
		recipients: s.recipients,
		data:       data,
		connection: s.number,
		tls:        isTLS,
		helo:       s.conn.Hostname(),
	})
	return nil
}

func (s *testSession) Reset() {
	s.from = ""
	s.recipients = nil
}

func (s *testSession) Logout() error { return nil }

// loginServer is the server side of AUTH LOGIN, which go-sasl does not
// provide.
type loginServer struct {
	username string
	step     int
	check    func(username, password string) error
}

func (l *loginServer) Next(response []byte) ([]byte, bool, error) {
	l.step++
	switch {
	case l.step == 1 && response == nil:
		return []byte("Username:"), false, nil
	case l.step == 1:
		l.username = string(response)
		l.step++
		return []byte("Password:"), false, nil
	case l.step == 2:
		l.username = string(response)
		return []byte("Password:"), false, nil
	default:
		return nil, true, l.check(l.username, string(response))
	}
}
