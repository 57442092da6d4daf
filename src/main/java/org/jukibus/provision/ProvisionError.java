package org.jukibus.provision;

/**
 * Why the provision channel refused a query: the code in a {@code ProvisionError} answer
 * ({@code schemas/identity-query.xsd}), its HTTP status, and the operation log's PROVISION_REFUSED detail.
 */
public enum ProvisionError {
    /** The body is not well-formed XML. */
    MALFORMED(400),
    /** The body has a DOCTYPE (no DTDs, no entities: the hardened parser refuses them). */
    DTD_NOT_ALLOWED(400),
    /** The body is larger than the node accepts. */
    TOO_LARGE(413),
    /** An element or attribute the query format does not have (including any attempt at another kind of condition). */
    UNKNOWN_ELEMENT(400),
    /** No Person, or a Person without a resident code and without a name and birth date. */
    NO_CONDITION(400),
    /** A wildcard character ({@code % * ? _} or their full-width forms) in a condition. */
    WILDCARD(400),
    /** A range: a from/to element or attribute, or a value such as {@code 1980-01-01/1990-12-31}. */
    RANGE(400),
    /** A partial condition: part of a name, a year or month for a birth date, fewer than 11 digits of a code, a name without birth date. */
    PARTIAL(400),
    /** Otherwise not a valid IdentityQuery (schema): the message names the element. */
    INVALID_QUERY(400),
    /** The requester's system presented no client certificate. */
    NO_CLIENT_CERTIFICATE(401),
    /** The client certificate is revoked, expired, or not a requester certificate of the network CA. */
    CERTIFICATE_REFUSED(403),
    /** A valid requester certificate whose requester is not registered on this node. */
    UNREGISTERED_REQUESTER(403),
    /** The requester is not registered for the query's purpose. */
    PURPOSE_NOT_REGISTERED(403),
    /** More than one person without a valid bulk approval for this requester and purpose covering that many. */
    BULK_NOT_APPROVED(403),
    /** The requester is over its rate or volume limit ({@link ProvisionLimits}): the message names which. */
    LIMIT_EXCEEDED(429),
    /** Not {@code POST /identity-query}. */
    NOT_FOUND(404),
    METHOD_NOT_ALLOWED(405),
    /** The node failed (its store); nothing was provided. */
    INTERNAL_ERROR(500);

    private final int httpStatus;

    ProvisionError(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
