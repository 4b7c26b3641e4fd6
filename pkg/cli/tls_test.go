package cli_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mfa-reminder/mfa-reminder/pkg/cli"
)

// writeCertificate writes a self-signed certificate for 127.0.0.1 and its
// key, and returns the pool that trusts it.
func writeCertificate(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}

	template := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}

	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	blocks := map[string]*pem.Block{
		certFile: {Type: "CERTIFICATE", Bytes: der},
		keyFile:  {Type: "EC PRIVATE KEY", Bytes: keyDER},
	}
	for path, block := range blocks {
		if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
			t.Fatal(err)
		}
	}

	certificate, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(certificate)
	return certFile, keyFile, pool
}

func TestServeTLS(t *testing.T) {
	h := newHarness(t)
	certFile, keyFile, pool := writeCertificate(t, t.TempDir())
	address := freePort(t)
	h.env["MFA_REMINDER_LISTEN"] = address
	h.env["MFA_REMINDER_TLS_CERT_FILE"] = certFile
	h.env["MFA_REMINDER_TLS_KEY_FILE"] = keyFile

	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan int, 1)
	go func() {
		lookup := func(name string) (string, bool) { value, ok := h.env[name]; return value, ok }
		served <- cli.Run(ctx, []string{"serve"}, io.Discard, io.Discard, lookup)
	}()
	defer func() {
		cancel()
		<-served
	}()

	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	var response *http.Response
	var err error
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		if response, err = client.Get("https://" + address + "/login"); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("HTTPS request: %v", err)
	}
	response.Body.Close()
	if response.StatusCode != http.StatusOK {
		t.Errorf("GET /login over HTTPS: status %d", response.StatusCode)
	}
	for _, cookie := range response.Header.Values("Set-Cookie") {
		if !strings.Contains(cookie, "Secure") {
			t.Errorf("cookie over HTTPS is not Secure: %s", cookie)
		}
	}
	if response.Header.Get("Strict-Transport-Security") == "" {
		t.Error("HTTPS response has no Strict-Transport-Security header")
	}
}
