// Offline bundles (seed 004, air-gapped appliances): bound to one appliance's download key,
// signed, checked file by file, and refused by another appliance or a wrong clock.
#include "catalog/offline_bundle.hpp"

#include <gtest/gtest.h>

namespace hitless::catalog {
namespace {

constexpr std::int64_t kBundleNow = 1'800'000'000;

OfflineBundle bundle_for(const std::string& appliance) {
  return {appliance,
          "rs-1",
          kBundleNow,
          kBundleNow + 14 * 86400,
          {{"catalog.json", "{\"signed\":{}}"}, {"product-7.2.0.pkg", std::string(5000, 'p')}}};
}

TEST(DownloadKey, RoundTripsAndRefusesOtherText) {
  const DownloadKey k{"a1b2c3", "rs-1", {{"product", "7.1.0"}, {"base", "3.0"}}, kBundleNow};
  const std::string text = encode_download_key(k);
  EXPECT_EQ(text.rfind("HDK1-", 0), 0u);
  auto back = decode_download_key(text + "\n");
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(back->appliance, "a1b2c3");
  EXPECT_EQ(back->packages, k.packages);
  EXPECT_EQ(back->time, kBundleNow);
  EXPECT_EQ(decode_download_key("HDK1-!!!").code(), BundleErrc::kMalformed);
  EXPECT_EQ(decode_download_key("hello").code(), BundleErrc::kMalformed);
}

TEST(DownloadKey, AKeyFromTheFutureOrLongAgoMeansTheAppliancesClockIsWrong) {
  DownloadKey k{"a1", "rs-1", {}, kBundleNow};
  EXPECT_TRUE(check_key_clock(k, kBundleNow + 3600, 300, 86400).ok());
  k.time = kBundleNow + 90000;
  auto ahead = check_key_clock(k, kBundleNow, 300, 86400);
  ASSERT_FALSE(ahead.ok());
  EXPECT_EQ(ahead.code(), BundleErrc::kClock);
  EXPECT_NE(ahead.message().find("25h in the future"), std::string::npos) << ahead.message();
  k.time = kBundleNow - 3 * 86400;
  auto behind = check_key_clock(k, kBundleNow, 300, 86400);
  ASSERT_FALSE(behind.ok());
  EXPECT_NE(behind.message().find("72h ago"), std::string::npos) << behind.message();
}

TEST(OfflineBundle, RoundTripsForItsApplianceOnly) {
  const auto key = generate_minisign_key();
  const std::string bytes = write_bundle(bundle_for("a1"), key);
  auto b = read_bundle(bytes, {key.public_key()});
  ASSERT_TRUE(b.ok()) << b.message();
  ASSERT_EQ(b->files.size(), 2u);
  EXPECT_EQ(b->files[1].bytes, std::string(5000, 'p'));
  EXPECT_TRUE(check_bundle_for(*b, "a1", "rs-1", kBundleNow + 60, 300).ok());
  auto other = check_bundle_for(*b, "ffee", "rs-2", kBundleNow + 60, 300);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.code(), BundleErrc::kOtherAppliance);
  EXPECT_EQ(other.message(),
            "this bundle was made for appliance a1 (rs-1), not for rs-2 (ffee): get this "
            "appliance's own download key and a bundle for it");
}

TEST(OfflineBundle, AnApplianceClockOutsideTheValidityIsRefused) {
  const auto key = generate_minisign_key();
  auto b = read_bundle(write_bundle(bundle_for("a1"), key), {key.public_key()});
  ASSERT_TRUE(b.ok());
  auto early = check_bundle_for(*b, "a1", "rs-1", kBundleNow - 86400, 300);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.code(), BundleErrc::kClock);
  EXPECT_NE(early.message().find("outside the bundle's validity"), std::string::npos);
  EXPECT_EQ(check_bundle_for(*b, "a1", "rs-1", kBundleNow + 15 * 86400, 300).code(),
            BundleErrc::kClock);
}

TEST(OfflineBundle, AlteredTruncatedExtendedOrForeignBundlesAreRefused) {
  const auto key = generate_minisign_key();
  const std::string bytes = write_bundle(bundle_for("a1"), key);
  std::string altered = bytes;
  altered[altered.size() - 10] ^= 1;
  EXPECT_EQ(read_bundle(altered, {key.public_key()}).code(), BundleErrc::kDigestMismatch);
  EXPECT_EQ(read_bundle(bytes.substr(0, bytes.size() - 1), {key.public_key()}).code(),
            BundleErrc::kDigestMismatch);
  EXPECT_EQ(read_bundle(bytes + "x", {key.public_key()}).code(), BundleErrc::kDigestMismatch);
  EXPECT_EQ(read_bundle(bytes, {generate_minisign_key().public_key()}).code(),
            BundleErrc::kBadSignature);
  std::string rebound = bytes;  // the manifest edited to name another appliance
  rebound.replace(rebound.find("\"a1\""), 4, "\"a2\"");
  EXPECT_EQ(read_bundle(rebound, {key.public_key()}).code(), BundleErrc::kBadSignature);
  EXPECT_EQ(read_bundle("PK\x03\x04", {key.public_key()}).code(), BundleErrc::kMalformed);
}

}  // namespace
}  // namespace hitless::catalog
