// Certificate warnings: the signature's verdict is remembered for the fields it was found on, so
// a certificate changed afterwards (another key, a damaged signature) is judged afresh.
#include "lab/model/certificate.hpp"

#include <gtest/gtest.h>

namespace hitless::lab {
namespace {

TEST(Certificate, AChangedCertificateIsVerifiedAfreshAfterAGoodVerdict) {
  Certificate c = Certificate::generate("old-box", "seed");
  EXPECT_EQ(c.warning(), "");
  EXPECT_EQ(c.warning(), "") << "asked again: the same verdict";
  Certificate damaged = c;  // a copy carries the remembered verdict, but not its fields
  damaged.signature[0] = static_cast<char>(damaged.signature[0] ^ 1);
  EXPECT_EQ(damaged.warning(), "the certificate's signature does not verify");
  Certificate renamed = c;
  renamed.issued_to = "new-box";  // the signature was over the old name
  EXPECT_EQ(renamed.warning(), "the certificate's signature does not verify");
  Certificate other_key = c;
  other_key.public_key = Certificate::generate("old-box", "other seed").public_key;
  EXPECT_EQ(other_key.warning(), "the certificate's signature does not verify");
  EXPECT_EQ(c.warning(), "") << "the original is untouched";
}

}  // namespace
}  // namespace hitless::lab
