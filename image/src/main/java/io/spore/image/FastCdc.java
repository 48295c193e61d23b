package io.spore.image;

/** FastCDC with normalized chunking over a gear hash, exactly as FORMAT.md section 3.1 defines it. */
final class FastCdc {
    static final int MIN = 16 * 1024;
    static final int AVG = 64 * 1024;
    static final int MAX = 256 * 1024;
    static final long MASK_S = 0xFFFFC00000000000L;
    static final long MASK_L = 0xFFFC000000000000L;
    /**
     * {@code GEAR[b]} = the first 8 bytes (big-endian) of SHA-256("spore-gear-v" || b), written out:
     * deriving it at start-up initialised the JDK's whole security-provider framework for 256
     * hashes. {@code FastCdcTest.gearTableIsSha256OfTheSeedAndIndex} recomputes every value.
     */
    static final long[] GEAR = {
            0xbd88d7e08299158aL, 0xd17744fbe588eae9L, 0x50b37f018febfbbcL, 0xc753a6d71b01ae49L,
            0xbdf3ac2549402845L, 0x0c9d9ffc49afe809L, 0x2af054fed50a25dbL, 0xa17882207dcb4b30L,
            0xfaa0be5a89ec27a3L, 0x90de01dbb9e73ce9L, 0x8b32498e50c8f996L, 0xa46869306ab15cbcL,
            0x6800f70d9d961307L, 0x48bba61423a18ba8L, 0x352873db96f6b5b6L, 0x80c4c4240730428bL,
            0x195e5e84761177bbL, 0xfdcb02275af81aefL, 0x60f87e6dc2947981L, 0x5b9d01203c783b86L,
            0x8fbfff14a1303cc6L, 0x8517fb1efc677feaL, 0x5db3a6bb8d5bc501L, 0xad64a5f05870f417L,
            0x66db7e87ca5c7adeL, 0x97b14d611703a0fdL, 0x65e85bbf0bb6df88L, 0xf9f7690406c2c687L,
            0x3348ef3469861989L, 0x0ede645c9096db22L, 0xef5efcfb96fcc8f1L, 0x72d521d42cdc2c79L,
            0x26fc48b90a9768d9L, 0x52734d2b176b67dbL, 0x40ef8733a83a58eeL, 0xa2da6096ec892544L,
            0x6e2406b56ecfd1b1L, 0xe02516b8d2ddc19aL, 0xb0c4cdcd6b7ea5c1L, 0x10907965f2d395a1L,
            0x0139235753322c18L, 0x4abca1505899b972L, 0x6dd5f12bf9f874b3L, 0x251bb35b0114307eL,
            0xe84a3f509b4a1eb6L, 0x7a533d17104b7e43L, 0x17d4094985ef953dL, 0xe2dd5b88473786a6L,
            0x6bbc6421932bcb7aL, 0xdf38624c64ba87ebL, 0x85631a458f4681ebL, 0xf3cea568a89d8c0eL,
            0x069c4ad716ac66e5L, 0x34ea2a69dc9711fbL, 0x957dae8bb3f923ddL, 0x2575ab8df37ebe3fL,
            0x7e3282e9aa9c06ecL, 0x0a9125936f0ae96cL, 0x1c693e318cc8a5d1L, 0xae33a39d95efadc6L,
            0xd4ed95672c81f241L, 0xae37c00b666b4505L, 0x6072930203212e52L, 0x8eba6a836e5c11e0L,
            0xe8d7e24c1cce3abbL, 0x11cc6a961a1eece7L, 0x3205234ec262886fL, 0xf601b6408b95ee76L,
            0x7cab50a92863e6afL, 0xb24bc2254e3d8f70L, 0x17b95276e160dc42L, 0xbefb979cd0941298L,
            0x0d036d5a507f388cL, 0x551bcaf87c39a3b5L, 0xed1bc3e76cd591c9L, 0x4459c307f0bbf267L,
            0x9617842fc8e03034L, 0xd67391886d91ba1cL, 0x56f8209f3a48c6e0L, 0x4185b949425eeff4L,
            0xd4a2bd05cf48c44bL, 0xa785dd4667c7959eL, 0xcb0a8a0bc1ef3849L, 0x8fc33fab5dbeb3f6L,
            0xc30a77b6f8bd7e14L, 0x5fce4b8ebfe3b879L, 0x1e74a053ffc71183L, 0x270502e342d70e56L,
            0x56a2ec498d148518L, 0xe639063c5f29fe6fL, 0xfa19145bd1b8ffc8L, 0x0adbfcbf8b766d65L,
            0x4b5e923e013a3cd8L, 0xbd8fd3e4eeaf706dL, 0xe56751b3024f1fb9L, 0x6ddbd37c52755e33L,
            0x737623a1608ad418L, 0xa244fd7910b12e5fL, 0x7be79bf32ccb5ea5L, 0x22bab847bf39c686L,
            0x4b933ebe9674b17bL, 0x6372d6a86b54fdb2L, 0xf3478d1a060dbbf3L, 0x944194dfd9d29aa1L,
            0x7c7fbc10fecfa8f2L, 0x63ed7257ff3c9dbbL, 0xf8860b6188f3fef2L, 0x72dfd9f57de24f82L,
            0x666059b7d0d77682L, 0x9dc18dddffa9c551L, 0xcb340d460c842075L, 0xfbb6ba67ca53b24bL,
            0xdbf7637648a02129L, 0x02456537c47e1908L, 0x265f9c8314c0c923L, 0xdf4b7a1019b55524L,
            0x36ce687b68dce7daL, 0x4a95155a23e23766L, 0x701883d02d26da5aL, 0xbf705b27495c6c76L,
            0x2e6f95f286c6b998L, 0xf20eb68ece58062aL, 0x6bcd847041c6ef83L, 0xf573046e253d968dL,
            0xd75acecd56bcf8fdL, 0x0e5e14c7fcfcac24L, 0x1915ffebf237ee97L, 0x6613605a8056b56dL,
            0x587f7b87be69e94bL, 0xb792a8f210f7c137L, 0xe0bb2ca1b13b2625L, 0x032c8291b0ef490aL,
            0xbbd0c1f684637542L, 0x097d64061c115e5eL, 0xf13c0501e28b5926L, 0xa8ad2cd46c1fa963L,
            0x69d517c1d68a2363L, 0x73a151a72005fda6L, 0x008a7260fffe2cc6L, 0xbf7258c1c931ed83L,
            0xb436bc102c853001L, 0x7b58f7caafa3dcbfL, 0xa4c30d9ab1087e99L, 0x1f83892d0f188d0aL,
            0x2a429eb322367822L, 0x2e4ed70564cc8544L, 0x1eef3924108983caL, 0x3202cf86e2fc4c28L,
            0xef80ad81da6cf426L, 0xfcb8bc1a9b1ff28bL, 0xe63b5027f37d4836L, 0xa7a77e9e0b077a97L,
            0x02c638332c3d6503L, 0x706dc4ad14b8a573L, 0x883527b539276ed3L, 0xc97625f4183eb425L,
            0xab80f23018a486ccL, 0x47727590cca8efddL, 0xcdf0304cc6072971L, 0x6828d34b1e9cee65L,
            0x72f562f7f454b683L, 0x3154381b8f28d02aL, 0xcc2b96d03f4b437bL, 0x5b73d0cf078eab30L,
            0x6c1af6687ac86815L, 0x6b09db509df9615eL, 0xbd7943aefe7f9b34L, 0xf2532cf8e8a5c42bL,
            0x2eeacf8bfc7009e9L, 0x21b7e1de7eebdb20L, 0x915b7c5f0c6bf69aL, 0x0d713b12da0f86a7L,
            0x26123805f1cc2b39L, 0x64b4a19302fa8793L, 0xd2952477720fe652L, 0xa11f1cfba5b5aef5L,
            0x1f75ed8f5bc5dc63L, 0x542e577bfed8fef2L, 0x7ca8d5eaedbdb5e0L, 0xbe8924de913ca1a3L,
            0xbdb99abadaddad2dL, 0x130f3331f1882d3cL, 0xe174bca0e8289b7cL, 0xab55ae71f2ac6a58L,
            0xca6ab75ac36ecea0L, 0x6ff9605aec6210f9L, 0xa141b736314cbff9L, 0x0ed97f309fc60e93L,
            0x24a425ab58e17f87L, 0xba597b6ffcfca2bdL, 0xf929d1317f21ad77L, 0x35216ad5e930cb79L,
            0x3d2de40042b2d8d2L, 0x53c2953b2f216b06L, 0x8c2abfb9bc87954bL, 0x5b646904fc9ec3f5L,
            0xbd5dfe226b3edd46L, 0xcd1d41c244d4a158L, 0x211479c2375d32ebL, 0x878fa8916db833fbL,
            0x19f9eccc0f485b74L, 0xe9ca28150ec9c99aL, 0x2f09b555d815db1eL, 0xa8b192b906433666L,
            0xb47b44bb210a871cL, 0xf55c8b811f0376eeL, 0xdaeb6ea9eb5c6d6cL, 0xfe71e4bc10a61e20L,
            0xf16be4d2f13bec55L, 0x6ffae7205ec8ca64L, 0x798e195a8e10281dL, 0xf068167c1720f901L,
            0x20cc4add21604610L, 0x2a6549b14e9e08e6L, 0x2fd9c8f60943e03cL, 0x37b0e393c6fe88f1L,
            0xd07cc29bc2efe4ceL, 0xf5df6aab801c0fcfL, 0xfd7a399527201c62L, 0xe557927250df2979L,
            0xc51ab56feeac88a3L, 0xb9f2565dabd1f355L, 0xedf43d3c1d0fa687L, 0xe86dfcd87d1b3abdL,
            0x11cbe4ed98c06c71L, 0xf3e2331419e54494L, 0x2dcf440709641c82L, 0x82ef5a82d3d7b4b3L,
            0xcf2f61222f03402eL, 0x12327f1aac355776L, 0x2083c6eb6bd54132L, 0x94e340c4fa6a9d35L,
            0x41304b71c846eecaL, 0x572ca28ebe0398f2L, 0xac883f6985a00fecL, 0xaf41b4e41b7f3e45L,
            0xdfe5d345c4cb1b79L, 0x635f01b09fab97e8L, 0xbfae85efca41b965L, 0xfb19251c42c08c87L,
            0x2a3200fa0d832ed7L, 0x08357f5e3aa1f616L, 0x1831753b5e7c06ddL, 0x40103301751af306L,
            0xe5ffd8ab5ef7d2f0L, 0x284f303135f8adf8L, 0x3b19b8cd3c523b47L, 0xe7927fb013a1245aL,
            0xb7756e8ab1c35f38L, 0x683c8988ed6e0574L, 0xf75e8d27fee4ebd8L, 0x156e4166b3707a12L,
            0xe17e5d8079995a72L, 0xd63b9e5e8552b85bL, 0x54d4986e03f61537L, 0x12e69a693d685d95L
    };

    private FastCdc() {}

    /** Length of the chunk that starts at {@code off}, given {@code n} bytes are left in the stream from there. */
    static int cut(byte[] data, int off, int n) {
        if (n <= MIN) return n;
        int end = Math.min(n, MAX);
        int normal = Math.min(AVG, end);
        long h = 0;
        long[] gear = GEAR;
        int i = MIN;
        for (; i < normal; i++) {
            h = (h << 1) + gear[data[off + i] & 0xFF];
            if ((h & MASK_S) == 0) return i + 1;
        }
        for (; i < end; i++) {
            h = (h << 1) + gear[data[off + i] & 0xFF];
            if ((h & MASK_L) == 0) return i + 1;
        }
        return end;
    }
}
